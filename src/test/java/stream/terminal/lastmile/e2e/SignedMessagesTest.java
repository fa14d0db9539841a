package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.core.Signed;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.Signing;
import stream.terminal.lastmile.support.SockJsPolling;
import stream.terminal.lastmile.support.SseClient;
import stream.terminal.lastmile.support.SseClient.Event;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * A signed message reaches every kind of subscriber, and history, with its publisher's kid, sig and ts, whether
 * it was published over WebSocket or HTTP; partial or malformed signature fields are refused and store nothing.
 */
class SignedMessagesTest {
  private static final String CHANNEL = "signed";
  private static final String DATA = "{\"price\":1.1}";
  /** A publisher's clock, deliberately not the node's: a signed message keeps it. */
  private static final long TS = System.currentTimeMillis() - 1_234;

  private TestGateway gateway;
  private WsClient ws;
  private SseClient sse;
  private SockJsPolling bridge;

  @BeforeEach
  void start() throws Exception {
    gateway = new TestGateway();
    gateway.config().put("channels", new JsonObject().put("declare", new JsonArray().add(CHANNEL)));
    gateway.config().put("identity", Signing.identity());
    gateway.start();
    String epoch = position().getString("epoch");
    ws = gateway.edge();
    WsClient.assertResult(ws.request("subscribe", CHANNEL));
    sse = SseClient.open(gateway.edgePort(), "/sse?channel=" + CHANNEL);
    assertEquals(200, sse.status());
    assertEquals("subscribed", nextNamed(sse).name());
    bridge = SockJsPolling.open(gateway.edgePort(), "/eventbus");
    // from offset 0 of the epoch: a register has no reply, so resuming is how the test knows nothing is missed
    bridge.send(new JsonObject().put("type", "register").put("address", CHANNEL)
        .put("headers", new JsonObject().put("epoch", epoch).put("offset", "0")));
  }

  @AfterEach
  void stop() throws Exception {
    if (sse != null) {
      sse.close();
    }
    gateway.close();
  }

  private JsonObject position() throws Exception {
    Http.Reply page = Http.get(gateway.ingestPort(), "/channels/" + CHANNEL + "/messages?since=0");
    assertEquals(200, page.status(), page.body());
    return page.json();
  }

  private static Event nextNamed(SseClient client) throws Exception {
    Event e = client.nextEvent();
    while (e.name() == null && e.data() == null) {
      e = client.nextEvent();
    }
    return e;
  }

  @Test
  void aWebSocketPublishsSignatureReachesEverySubscriberAndHistory() throws Exception {
    Signed signed = Signing.sign(CHANNEL, DATA, TS);
    try (WsClient publisher = gateway.ingest()) {
      JsonObject reply = publisher.request(new JsonObject().put("op", "publish").put("channel", CHANNEL)
          .put("data", new JsonObject(DATA)).put("ts", signed.ts())
          .put("kid", signed.signature().kid()).put("sig", signed.signature().sig()));
      WsClient.assertResult(reply);
    }
    assertDeliveredEverywhere(signed);
  }

  @Test
  void anHttpPublishsSignatureReachesEverySubscriberAndHistory() throws Exception {
    Signed signed = Signing.sign(CHANNEL, DATA, TS);
    Http.Reply reply = Http.send("POST", gateway.ingestPort(), "/channels/" + CHANNEL + "/messages", DATA,
        "Last-Mile-Timestamp", String.valueOf(signed.ts()),
        "Last-Mile-Key-Id", signed.signature().kid(),
        "Last-Mile-Signature", signed.signature().sig());
    assertEquals(200, reply.status(), reply.body());
    assertDeliveredEverywhere(signed);
  }

  @Test
  void partialOrMalformedSignatureFieldsAreRefusedAndStoreNothing() throws Exception {
    Signed signed = Signing.sign(CHANNEL, DATA, TS);
    String sig = signed.signature().sig();
    String[][] refusedHeaders = {
        {"Last-Mile-Timestamp", String.valueOf(TS), "Last-Mile-Key-Id", Signing.KID},
        {"Last-Mile-Signature", sig},
        {"Last-Mile-Timestamp", "soon", "Last-Mile-Key-Id", Signing.KID, "Last-Mile-Signature", sig},
        {"Last-Mile-Timestamp", "-1", "Last-Mile-Key-Id", Signing.KID, "Last-Mile-Signature", sig},
        {"Last-Mile-Timestamp", String.valueOf(TS), "Last-Mile-Key-Id", "no spaces", "Last-Mile-Signature", sig},
        {"Last-Mile-Timestamp", String.valueOf(TS), "Last-Mile-Key-Id", Signing.KID, "Last-Mile-Signature", sig + "="},
    };
    for (String[] headers : refusedHeaders) {
      Http.Reply reply =
          Http.send("POST", gateway.ingestPort(), "/channels/" + CHANNEL + "/messages", DATA, headers);
      assertEquals(400, reply.status(), String.join(" ", headers) + ": " + reply.body());
      assertEquals("bad_request", reply.errorCode(), reply.body());
    }
    try (WsClient publisher = gateway.ingest()) {
      JsonObject partial = publisher.request(new JsonObject().put("op", "publish").put("channel", CHANNEL)
          .put("data", 1).put("ts", TS).put("sig", sig));
      WsClient.assertError("bad_request", partial);
      // the connection goes on: an unsigned publish after it is stored as the first message
      JsonObject unsigned = publisher.request(new JsonObject().put("op", "publish").put("channel", CHANNEL)
          .put("data", 2));
      assertEquals(1, unsigned.getJsonObject("result").getLong("offset"), unsigned.encode());
    }
    JsonObject live = ws.nextMessage();
    assertEquals(2, live.getInteger("data"));
    assertFalse(live.containsKey("kid") || live.containsKey("sig"), live.encode());
    assertEquals(1, position().getLong("offset"), "nothing refused was stored");
  }

  @Test
  void digitsADoubleDoesNotHoldAreRefusedNamedAndStoreNothing() throws Exception {
    // JCS signs 12345678901234567890 as the double 12345678901234567000: one signature would fit many numbers
    Signed signed = Signing.sign(CHANNEL, "{\"account\":12345678901234567000}", TS);
    for (String digits : new String[] {"12345678901234567890", "12345678901234567891"}) {
      Http.Reply reply = Http.send("POST", gateway.ingestPort(), "/channels/" + CHANNEL + "/messages",
          "{\"account\":" + digits + "}", "Last-Mile-Timestamp", String.valueOf(TS),
          "Last-Mile-Key-Id", Signing.KID, "Last-Mile-Signature", signed.signature().sig());
      assertEquals(400, reply.status(), reply.body());
      assertEquals("bad_request", reply.errorCode(), reply.body());
      assertTrue(reply.body().contains(digits), reply.body());
    }
    assertEquals(0, position().getLong("offset"), "nothing refused was stored");
  }

  /** Live on WebSocket, SSE and the SockJS bridge, replayed to a resume, and in history over WebSocket and HTTP. */
  private void assertDeliveredEverywhere(Signed signed) throws Exception {
    String kid = signed.signature().kid();
    String sig = signed.signature().sig();

    String frame = ws.nextText();
    assertTrue(frame.contains("\"data\":" + DATA + ",\"kid\":\"" + kid + "\",\"sig\":\"" + sig + "\",\"ts\":" + TS),
        "kid and sig follow data: " + frame);

    Event event = nextNamed(sse);
    assertTrue(event.isMessage(), event.toString());
    assertSigned(signed, event.json());

    JsonObject rec = bridge.next();
    assertEquals("rec", rec.getString("type"), rec.encode());
    JsonObject headers = rec.getJsonObject("headers");
    assertEquals(kid, headers.getString("kid"));
    assertEquals(sig, headers.getString("sig"));
    assertEquals(String.valueOf(TS), headers.getString("ts"));
    assertEquals(new JsonObject(DATA), rec.getJsonObject("body"));

    try (WsClient resumed = gateway.edge()) {
      JsonObject since = new JsonObject().put("epoch", headers.getString("epoch")).put("offset", 0);
      WsClient.assertResult(resumed.request(new JsonObject().put("op", "subscribe").put("channel", CHANNEL)
          .put("since", since)));
      assertSigned(signed, resumed.nextMessage());
    }
    JsonObject history = ws.request(new JsonObject().put("op", "history").put("channel", CHANNEL));
    assertSigned(signed, history.getJsonObject("result").getJsonArray("messages").getJsonObject(0));
    assertSigned(signed, position().getJsonArray("messages").getJsonObject(0));
  }

  private static void assertSigned(Signed signed, JsonObject message) {
    assertEquals(new JsonObject(DATA), message.getJsonObject("data"), message.encode());
    assertEquals(signed.signature().kid(), message.getString("kid"), message.encode());
    assertEquals(signed.signature().sig(), message.getString("sig"), message.encode());
    assertEquals(TS, message.getLong("ts"), message.encode());
  }
}
