package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertError;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.grpc.v1.Message;
import stream.terminal.lastmile.protobuf.TestTypes;
import stream.terminal.lastmile.protobuf.testtypes.Band;
import stream.terminal.lastmile.protobuf.testtypes.Indicator;
import stream.terminal.lastmile.protobuf.testtypes.Trend;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * Protobuf payloads on a real node: published over HTTP as {@code application/x-protobuf}, received as JSON by
 * ordinary subscribers and as binary {@code lastmile.v1.Message} frames by {@code "format":"protobuf"} ones, live
 * and replayed; refusals store nothing.
 */
class ProtobufPayloadsTest {
  private static final String PROTOBUF = "application/x-protobuf";
  private static final int MAX_DATA_BYTES = 1024;

  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway();
    gateway.config().put("protobuf", TestTypes.section());
    gateway.limits("private").put("max_data_bytes", MAX_DATA_BYTES);
    gateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static String created(String channel) throws Exception {
    Http.Reply reply = Http.put(gateway.ingestPort(), "/channels/" + channel);
    assertEquals(201, reply.status(), reply.body());
    return reply.json().getString("epoch");
  }

  private static Http.Reply publish(String channel, ProtoPayload payload) throws Exception {
    return Http.postBytes(gateway.ingestPort(), "/channels/" + channel + "/messages", payload.value(),
        "Content-Type", PROTOBUF, "Last-Mile-Type", payload.typeUrl());
  }

  private static long offsetOf(String channel) throws Exception {
    return Http.get(gateway.ingestPort(), "/channels/" + channel + "/messages").json().getLong("offset");
  }

  private static void assertRefused(int status, String code, Http.Reply reply) {
    assertEquals(status, reply.status(), reply.body());
    assertEquals(code, reply.errorCode(), reply.body());
  }

  private static Indicator indicator(double value) {
    return Indicator.newBuilder().setSymbol("EURUSD").setValue(value).setVolume(1L << 60).setTrend(Trend.TREND_DOWN)
        .setAt(Timestamp.newBuilder().setSeconds(1_764_489_600L))
        .setDetail(Any.pack(Band.newBuilder().setLower(1).setUpper(2).build()))
        .build();
  }

  private static JsonObject subscribe(WsClient client, String channel, String format, JsonObject since)
      throws Exception {
    JsonObject command = new JsonObject().put("op", "subscribe").put("channel", channel);
    if (format != null) {
      command.put("format", format);
    }
    if (since != null) {
      command.put("since", since);
    }
    return client.request(command);
  }

  @Test
  void aProtobufPublishReachesJsonSubscribersAsJsonAndProtobufSubscribersAsBinaryFrames() throws Exception {
    String epoch = created("proto.live");
    ProtoPayload payload = TestTypes.payload(indicator(71.5));
    try (WsClient json = gateway.edge(); WsClient binary = gateway.edge()) {
      assertResult(subscribe(json, "proto.live", null, null));
      assertResult(subscribe(binary, "proto.live", "protobuf", null));

      Http.Reply stored = publish("proto.live", payload);
      assertEquals(200, stored.status(), stored.body());
      assertEquals(new JsonObject().put("channel", "proto.live").put("epoch", epoch).put("offset", 1), stored.json());

      JsonObject frame = json.nextMessage();
      assertEquals(1, frame.getLong("offset"));
      assertEquals(new JsonObject().put("symbol", "EURUSD").put("value", 71.5).put("volume", "1152921504606846976")
              .put("trend", "TREND_DOWN").put("window", new io.vertx.core.json.JsonArray())
              .put("counts", new JsonObject()).put("at", "2025-11-30T08:00:00Z")
              .put("detail", new JsonObject().put("@type", "type.googleapis.com/lastmile.test.Band")
                  .put("lower", 1.0).put("upper", 2.0))
              .put("raw", "").put("sequence", "0").put("closed", false),
          frame.getJsonObject("data"));

      Message message = Message.parseFrom(binary.nextBinary());
      assertEquals("proto.live", message.getChannel());
      assertEquals(epoch, message.getEpoch());
      assertEquals(1, message.getOffset());
      assertEquals(frame.getLong("ts"), message.getTs());
      assertEquals(payload.typeUrl(), message.getAny().getTypeUrl());
      assertEquals(indicator(71.5), message.getAny().unpack(Indicator.class));
      assertTrue(message.getJson().isEmpty(), "the binary form only");
      assertNull(binary.poll(100), "no text frame besides the binary one");
    }
  }

  @Test
  void aJsonMessageComesAsTextToAProtobufSubscriber() throws Exception {
    created("proto.mixed");
    try (WsClient binary = gateway.edge()) {
      assertResult(subscribe(binary, "proto.mixed", "protobuf", null));
      assertEquals(200, Http.post(gateway.ingestPort(), "/channels/proto.mixed/messages", "{\"a\":1}").status());
      assertEquals(200, publish("proto.mixed", TestTypes.payload(indicator(2))).status());
      assertEquals(200, Http.post(gateway.ingestPort(), "/channels/proto.mixed/messages", "[3]").status());

      assertEquals(new JsonObject().put("a", 1), binary.nextMessage().getJsonObject("data"));
      assertEquals(2, Message.parseFrom(binary.nextBinary()).getOffset());
      assertEquals(3, binary.nextMessage().getLong("offset"));
    }
  }

  @Test
  void aResumeReplaysStoredProtobufMessagesAsBinaryFramesAndHistoryAsJson() throws Exception {
    String epoch = created("proto.resume");
    for (int i = 1; i <= 3; i++) {
      assertEquals(200, publish("proto.resume", TestTypes.payload(indicator(i))).status());
    }
    try (WsClient binary = gateway.edge()) {
      JsonObject reply = subscribe(binary, "proto.resume", "protobuf",
          new JsonObject().put("epoch", epoch).put("offset", 1));
      assertResult(reply);
      assertTrue(reply.getJsonObject("result").getBoolean("recovered"), reply.encode());
      for (int offset = 2; offset <= 3; offset++) {
        Message replayed = Message.parseFrom(binary.nextBinary());
        assertEquals(offset, replayed.getOffset());
        assertEquals(indicator(offset), replayed.getAny().unpack(Indicator.class));
      }
      // then live, after the replay
      assertEquals(200, publish("proto.resume", TestTypes.payload(indicator(4))).status());
      assertEquals(4, Message.parseFrom(binary.nextBinary()).getOffset());

      JsonObject history = binary.request(new JsonObject().put("op", "history").put("channel", "proto.resume"));
      assertEquals(4, history.getJsonObject("result").getJsonArray("messages").size(), history.encode());
      assertEquals(3.0, history.getJsonObject("result").getJsonArray("messages").getJsonObject(2)
          .getJsonObject("data").getDouble("value"), "history pages are JSON");
    }
    JsonObject page = Http.get(gateway.ingestPort(), "/channels/proto.resume/messages?since=3").json();
    assertEquals(4.0, page.getJsonArray("messages").getJsonObject(0).getJsonObject("data").getDouble("value"));
  }

  @Test
  void anUnknownTypeIsRefusedAndNothingStored() throws Exception {
    created("proto.unknown");
    byte[] value = TestTypes.payload(indicator(1)).value();
    Http.Reply reply = publish("proto.unknown", new ProtoPayload("type.googleapis.com/other.Type", value));
    assertRefused(400, "unknown_type", reply);
    assertTrue(reply.json().getJsonObject("error").getString("message").contains("other.Type"), reply.body());
    assertEquals(0, offsetOf("proto.unknown"));
  }

  @Test
  void bytesThatDoNotParseAreRefusedAndNothingStored() throws Exception {
    created("proto.garbage");
    try (WsClient subscriber = gateway.edge()) {
      assertResult(subscribe(subscriber, "proto.garbage", "protobuf", null));
      assertRefused(400, "bad_request",
          publish("proto.garbage", new ProtoPayload("type.googleapis.com/lastmile.test.Indicator", new byte[] {0x0a, 0x09})));
      assertEquals(0, offsetOf("proto.garbage"));
      assertNull(subscriber.pollBinary(100));
    }
  }

  @Test
  void aProtobufPublishNeedsItsTypeAndCannotBeSigned() throws Exception {
    created("proto.headers");
    byte[] value = TestTypes.payload(indicator(1)).value();
    String path = "/channels/proto.headers/messages";
    assertRefused(400, "bad_request", Http.postBytes(gateway.ingestPort(), path, value, "Content-Type", PROTOBUF));
    assertRefused(400, "bad_request", Http.postBytes(gateway.ingestPort(), path, value, "Content-Type", PROTOBUF,
        "Last-Mile-Type", "type.googleapis.com/lastmile.test.Indicator", "Last-Mile-Timestamp", "1764489600000",
        "Last-Mile-Key-Id", "k", "Last-Mile-Signature", "AAAA"));
    assertRefused(415, "unsupported_media_type", Http.postBytes(gateway.ingestPort(), path, value,
        "Content-Type", "application/octet-stream", "Last-Mile-Type", "type.googleapis.com/lastmile.test.Indicator"));
    assertRefused(413, "too_large", Http.postBytes(gateway.ingestPort(), path, new byte[MAX_DATA_BYTES + 1],
        "Content-Type", PROTOBUF, "Last-Mile-Type", "type.googleapis.com/lastmile.test.Indicator"));
    assertEquals(0, offsetOf("proto.headers"));
  }

  @Test
  void anEmptyBodyIsTheEmptyMessage() throws Exception {
    created("proto.empty");
    Http.Reply reply = Http.postBytes(gateway.ingestPort(), "/channels/proto.empty/messages", new byte[0],
        "Content-Type", PROTOBUF, "Last-Mile-Type", "type.googleapis.com/lastmile.test.Band");
    assertEquals(200, reply.status(), reply.body());
    JsonObject page = Http.get(gateway.ingestPort(), "/channels/proto.empty/messages").json();
    assertEquals(new JsonObject().put("lower", 0.0).put("upper", 0.0),
        page.getJsonArray("messages").getJsonObject(0).getJsonObject("data"));
  }

  @Test
  void anUnknownFormatIsABadRequest() throws Exception {
    created("proto.format");
    try (WsClient client = gateway.edge()) {
      assertError("bad_request", subscribe(client, "proto.format", "xml", null));
      assertFalse(subscribe(client, "proto.format", "json", null).containsKey("error"));
    }
  }
}
