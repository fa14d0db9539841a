package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import stream.terminal.lastmile.core.Signed;
import stream.terminal.lastmile.grpc.v1.PublishAck;
import stream.terminal.lastmile.grpc.v1.PublishRequest;
import stream.terminal.lastmile.support.GrpcClients;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.Signing;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * Exactly-once publish on one node, over real sockets: a publish repeated with its idempotency key (HTTP
 * {@code Idempotency-Key}, WebSocket {@code idempotency_key}, gRPC field 6, unary and PublishStream) is answered
 * with the first one's position and {@code duplicate: true}, and stores and delivers nothing; an exact replay of a
 * signed message is answered the same way without a key; a malformed key is {@code bad_request}.
 */
class IdempotentPublishTest {
  private static TestGateway gateway;
  private static GrpcClients grpc;

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway();
    gateway.config().put("identity", Signing.identity());
    gateway.config().put("channels", new JsonObject().put("patterns", new JsonArray()
        .add(new JsonObject().put("pattern", "once.*").put("create_on_publish", true))
        .add(new JsonObject().put("pattern", "nohistory.*").put("create_on_publish", true).put("backlog_size", 0))));
    gateway.listenerConfig("private").put("grpc", true);
    gateway.start();
    grpc = new GrpcClients(gateway.ingestPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (grpc != null) {
      grpc.close();
    }
    gateway.close();
  }

  private static Http.Reply post(String channel, String data, String... headers) throws Exception {
    return Http.send("POST", gateway.ingestPort(), "/channels/" + channel + "/messages", data, headers);
  }

  private static long lastOffset(String channel) throws Exception {
    Http.Reply page = Http.get(gateway.ingestPort(), "/channels/" + channel + "/messages?since=0");
    assertEquals(200, page.status(), page.body());
    return page.json().getLong("offset");
  }

  /** Subscribes to {@code channel} on the edge; the subscriber then sees exactly what was delivered. */
  private static WsClient subscriber(String channel) throws Exception {
    WsClient ws = gateway.edge();
    WsClient.assertResult(ws.request("subscribe", channel));
    return ws;
  }

  /** After a duplicate: the next delivery is the unkeyed marker, so the duplicate was not delivered. */
  private static void assertDeliveredOnceThenMarker(WsClient ws, String channel) throws Exception {
    assertEquals(1, ws.nextMessage().getLong("offset"));
    post(channel, "\"marker\"");
    JsonObject next = ws.nextMessage();
    assertEquals("marker", next.getString("data"), next.encode());
    assertEquals(2, next.getLong("offset"));
  }

  @Test
  void anHttpPublishRepeatedWithItsKeyGetsTheFirstPositionAndStoresNothing() throws Exception {
    String channel = "once.http";
    assertEquals(200, post(channel, "0", "Idempotency-Key", "warm").status()); // creates the channel
    try (WsClient ws = subscriber(channel)) {
      Http.Reply first = post(channel, "{\"n\":1}", "Idempotency-Key", "order-17:a");
      Http.Reply again = post(channel, "{\"n\":1}", "Idempotency-Key", "order-17:a");
      assertEquals(200, first.status(), first.body());
      assertEquals(200, again.status(), again.body());
      assertFalse(first.json().containsKey("duplicate"), first.body());
      assertEquals(true, again.json().getBoolean("duplicate"), again.body());
      assertEquals(first.json().getString("epoch"), again.json().getString("epoch"));
      assertEquals(first.json().getLong("offset"), again.json().getLong("offset"));
      assertEquals(2, lastOffset(channel), "stored once");
      assertEquals(2, ws.nextMessage().getLong("offset"));
      post(channel, "\"marker\"");
      assertEquals("marker", ws.nextMessage().getString("data"), "the duplicate was not delivered");
    }
  }

  @Test
  void aWebSocketPublishRepeatedWithItsKeyIsADuplicateAndTheKeyIsPerChannel() throws Exception {
    String channel = "once.ws";
    try (WsClient publisher = gateway.ingest()) {
      WsClient.assertResult(publisher.request(new JsonObject().put("op", "create").put("channel", channel)));
    }
    try (WsClient ws = subscriber(channel); WsClient publisher = gateway.ingest()) {
      JsonObject publish = new JsonObject().put("op", "publish").put("channel", channel).put("data", 1)
          .put("idempotency_key", "k-1");
      JsonObject first = publisher.request(publish).getJsonObject("result");
      JsonObject again = publisher.request(publish).getJsonObject("result");
      assertEquals(1, first.getLong("offset"));
      assertFalse(first.containsKey("duplicate"), first.encode());
      assertEquals(1, again.getLong("offset"));
      assertEquals(first.getString("epoch"), again.getString("epoch"));
      assertEquals(true, again.getBoolean("duplicate"), again.encode());
      JsonObject elsewhere = publisher.request(publish.copy().put("channel", "once.ws-other")).getJsonObject("result");
      assertFalse(elsewhere.containsKey("duplicate"), "another channel's key space: " + elsewhere.encode());
      assertDeliveredOnceThenMarker(ws, channel);
    }
  }

  @Test
  void aGrpcPublishRepeatedWithItsKeyIsADuplicateUnaryAndOnAStream() throws Exception {
    String channel = "once.grpc";
    PublishRequest request = PublishRequest.newBuilder().setChannel(channel).setJson("{\"n\":1}")
        .setIdempotencyKey("g-1").build();
    PublishAck first = grpc.blocking().publish(request);
    PublishAck again = grpc.blocking().publish(request);
    assertFalse(first.getDuplicate());
    assertTrue(again.getDuplicate());
    assertEquals(first.getStored(), again.getStored());
    List<PublishAck> acks = grpc.publishStream(List.of(request.toBuilder().setSequence(1).build(),
        request.toBuilder().setSequence(2).setIdempotencyKey("g-2").build(),
        request.toBuilder().setSequence(3).setIdempotencyKey("g-2").build()));
    assertTrue(acks.get(0).getDuplicate(), acks.get(0).toString());
    assertEquals(first.getStored(), acks.get(0).getStored());
    assertFalse(acks.get(1).getDuplicate());
    assertEquals(2, acks.get(1).getStored().getOffset());
    assertTrue(acks.get(2).getDuplicate());
    assertEquals(acks.get(1).getStored(), acks.get(2).getStored());
    assertEquals(2, lastOffset(channel));
  }

  @Test
  void aChannelWithoutBacklogKeepsItsKeysToo() throws Exception {
    String channel = "nohistory.once";
    Http.Reply first = post(channel, "1", "Idempotency-Key", "nb");
    Http.Reply again = post(channel, "1", "Idempotency-Key", "nb");
    assertEquals(first.json().getLong("offset"), again.json().getLong("offset"), again.body());
    assertEquals(true, again.json().getBoolean("duplicate"), again.body());
  }

  @Test
  void anExactReplayOfASignedMessageIsADuplicateWithoutAKey() throws Exception {
    String channel = "once.signed";
    String data = "{\"price\":2}";
    Signed signed = Signing.sign(channel, data, System.currentTimeMillis());
    String[] headers = {"Last-Mile-Timestamp", String.valueOf(signed.ts()), "Last-Mile-Key-Id",
        signed.signature().kid(), "Last-Mile-Signature", signed.signature().sig()};
    Http.Reply first = post(channel, data, headers);
    Http.Reply replay = post(channel, data, headers);
    assertEquals(200, first.status(), first.body());
    assertEquals(200, replay.status(), replay.body());
    assertEquals(true, replay.json().getBoolean("duplicate"), replay.body());
    assertEquals(first.json().getLong("offset"), replay.json().getLong("offset"));
    try (WsClient publisher = gateway.ingest()) {
      JsonObject overWs = publisher.request(new JsonObject().put("op", "publish").put("channel", channel)
          .put("data", new JsonObject(data)).put("ts", signed.ts()).put("kid", signed.signature().kid())
          .put("sig", signed.signature().sig())).getJsonObject("result");
      assertEquals(true, overWs.getBoolean("duplicate"), overWs.encode());
    }
    Signed later = Signing.sign(channel, data, signed.ts() + 1);
    Http.Reply other = post(channel, data, "Last-Mile-Timestamp", String.valueOf(later.ts()), "Last-Mile-Key-Id",
        later.signature().kid(), "Last-Mile-Signature", later.signature().sig());
    assertFalse(other.json().containsKey("duplicate"), "a new signature is a new message: " + other.body());
    assertEquals(2, lastOffset(channel));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "ünicode", "slash/no", "semi;colon"})
  void aMalformedKeyIsBadRequestOnEverySurface(String key) throws Exception {
    assertBadKey(key);
  }

  @Test
  void aKeyLongerThan64CharactersIsBadRequest() throws Exception {
    assertEquals(200, post("once.long", "1", "Idempotency-Key", "k".repeat(64)).status());
    assertBadKey("k".repeat(65));
  }

  private static void assertBadKey(String key) throws Exception {
    String channel = "once.bad";
    if (key.chars().allMatch(c -> c < 128)) { // an HTTP header carries ASCII only
      Http.Reply reply = post(channel, "1", "Idempotency-Key", key);
      assertEquals(400, reply.status(), reply.body());
      assertEquals("bad_request", reply.errorCode(), reply.body());
    }
    try (WsClient publisher = gateway.ingest()) {
      JsonObject reply = publisher.request(new JsonObject().put("op", "publish").put("channel", channel)
          .put("data", 1).put("idempotency_key", key));
      WsClient.assertError("bad_request", reply);
    }
    if (!key.isEmpty()) { // gRPC: an empty string is an unset field, no key
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> grpc.blocking()
          .publish(PublishRequest.newBuilder().setChannel(channel).setJson("1").setIdempotencyKey(key).build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, GrpcClients.status(e));
      assertEquals("bad_request", GrpcClients.errorCode(e));
    }
    Http.Reply page = Http.get(gateway.ingestPort(), "/channels/" + channel + "/messages?since=0");
    assertNotEquals(200, page.status(), "nothing stored, not even the channel: " + page.body());
  }
}
