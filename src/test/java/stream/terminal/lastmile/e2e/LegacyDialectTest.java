package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/** TSLM's enum-shaped dialect on a real node: its exact frames, and messages crossing to and from native clients. */
class LegacyDialectTest {
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway().start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  /** Sends a legacy frame and returns the next frame the server sends back, as text. */
  private static String exchange(WsClient client, String frame) throws InterruptedException {
    client.sendText(frame);
    return client.nextText();
  }

  private static String create(WsClient legacyPublisher, String channel) throws InterruptedException {
    return exchange(legacyPublisher, "{\"CreateChannel\":\"" + channel + "\"}");
  }

  private static void notifyText(WsClient legacyPublisher, String channel, String text) throws InterruptedException {
    assertEquals("{\"Success\":\"Channel " + channel + " notified\"}",
        exchange(legacyPublisher, "{\"NotifyChannel\":[\"" + channel + "\",{\"Text\":\"" + text + "\"}]}"));
  }

  @Test
  void legacyClientGetsTslmShapedReplies() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient subscriber = gateway.edge()) {
      assertEquals("{\"Success\":\"Channel legacy.basic created\"}", create(publisher, "legacy.basic"));
      assertEquals("{\"Success\":\"Subscribed to legacy.basic\"}", exchange(subscriber, "{\"Subscribe\":\"legacy.basic\"}"));

      notifyText(publisher, "legacy.basic", "hi");
      assertEquals("{\"ChannelMessage\":[\"legacy.basic\",{\"Text\":\"hi\"}]}", subscriber.nextText());

      assertEquals("{\"Success\":\"Channel legacy.basic notified\"}",
          exchange(publisher, "{\"NotifyChannel\":[\"legacy.basic\",{\"Json\":{\"price\":1.10,\"tags\":[\"a\"]}}]}"));
      assertEquals("{\"ChannelMessage\":[\"legacy.basic\",{\"Json\":{\"price\":1.10,\"tags\":[\"a\"]}}]}",
          subscriber.nextText());

      assertEquals("{\"Success\":\"Unsubscribed from legacy.basic\"}",
          exchange(subscriber, "{\"Unsubscribe\":\"legacy.basic\"}"));
    }
  }

  @Test
  void legacyErrorsCarryTheErrorCode() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient subscriber = gateway.edge()) {
      String missing = exchange(subscriber, "{\"Subscribe\":\"legacy.missing\"}");
      assertTrue(missing.startsWith("{\"Error\":\"channel_not_found: "), missing);
      assertEquals(1, new JsonObject(missing).size());

      String notifyMissing = exchange(publisher, "{\"NotifyChannel\":[\"legacy.missing\",{\"Text\":\"x\"}]}");
      assertTrue(notifyMissing.startsWith("{\"Error\":\"channel_not_found: "), notifyMissing);

      assertEquals("{\"Success\":\"Channel legacy.dup created\"}", create(publisher, "legacy.dup"));
      String duplicate = create(publisher, "legacy.dup");
      assertTrue(duplicate.startsWith("{\"Error\":\"channel_exists: "), duplicate);

      String denied = create(subscriber, "legacy.other");
      assertTrue(denied.startsWith("{\"Error\":\"permission_denied: "), denied);

      String badName = exchange(subscriber, "{\"Subscribe\":5}");
      assertTrue(badName.startsWith("{\"Error\":\"bad_request: "), badName);

      String badPayload = exchange(publisher, "{\"NotifyChannel\":[\"legacy.dup\",{\"Binary\":\"aGk=\"}]}");
      assertTrue(badPayload.startsWith("{\"Error\":\"bad_request: "), badPayload);

      // the dialect is fixed by the first command: a native frame later is not understood
      String nativeLater = exchange(subscriber, "{\"op\":\"ping\",\"id\":1}");
      assertTrue(nativeLater.startsWith("{\"Error\":\"unknown_op: "), nativeLater);

      // and the connection still works
      assertEquals("{\"Success\":\"Subscribed to legacy.dup\"}", exchange(subscriber, "{\"Subscribe\":\"legacy.dup\"}"));
    }
  }

  @Test
  void nativePublishReachesLegacySubscriberAsJsonOrText() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient subscriber = gateway.edge()) {
      assertResult(publisher.request("create", "legacy.fromnative"));
      assertEquals("{\"Success\":\"Subscribed to legacy.fromnative\"}",
          exchange(subscriber, "{\"Subscribe\":\"legacy.fromnative\"}"));

      publisher.sendText("{\"op\":\"publish\",\"channel\":\"legacy.fromnative\",\"data\":{\"a\":1,\"b\":[true,null]},\"id\":1}");
      assertEquals("{\"ChannelMessage\":[\"legacy.fromnative\",{\"Json\":{\"a\":1,\"b\":[true,null]}}]}",
          subscriber.nextText());
      publisher.sendText("{\"op\":\"publish\",\"channel\":\"legacy.fromnative\",\"data\":\"hi\",\"id\":2}");
      assertEquals("{\"ChannelMessage\":[\"legacy.fromnative\",{\"Text\":\"hi\"}]}", subscriber.nextText());
      publisher.sendText("{\"op\":\"publish\",\"channel\":\"legacy.fromnative\",\"data\":42,\"id\":3}");
      assertEquals("{\"ChannelMessage\":[\"legacy.fromnative\",{\"Json\":42}]}", subscriber.nextText());
      publisher.sendText("{\"op\":\"publish\",\"channel\":\"legacy.fromnative\",\"data\":[1,\"x\"],\"id\":4}");
      assertEquals("{\"ChannelMessage\":[\"legacy.fromnative\",{\"Json\":[1,\"x\"]}]}", subscriber.nextText());
      for (int id = 1; id <= 4; id++) {
        assertResult(publisher.replyTo(id));
      }
    }
  }

  @Test
  void legacyNotifyReachesNativeSubscriberWithOffsetAndEpoch() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient subscriber = gateway.edge()) {
      assertEquals("{\"Success\":\"Channel legacy.tonative created\"}", create(publisher, "legacy.tonative"));
      JsonObject subscribed = subscriber.request("subscribe", "legacy.tonative");
      assertResult(subscribed);
      String epoch = subscribed.getJsonObject("result").getString("epoch");
      assertNotNull(epoch);

      notifyText(publisher, "legacy.tonative", "hi");
      JsonObject text = subscriber.nextMessage();
      assertEquals("legacy.tonative", text.getString("channel"));
      assertEquals("hi", text.getString("data"));
      assertEquals(1, text.getLong("offset"));
      assertEquals(epoch, text.getString("epoch"));
      assertTrue(text.getLong("ts") > 0);

      assertEquals("{\"Success\":\"Channel legacy.tonative notified\"}",
          exchange(publisher, "{\"NotifyChannel\":[\"legacy.tonative\",{\"Json\":{\"k\":\"v\",\"n\":[1,2]}}]}"));
      JsonObject json = subscriber.nextMessage();
      assertEquals(new JsonObject().put("k", "v").put("n", new JsonArray().add(1).add(2)), json.getJsonObject("data"));
      assertEquals(2, json.getLong("offset"));
      assertEquals(epoch, json.getString("epoch"));
    }
  }

  @Test
  void nativeAndLegacySubscribersOnOneChannelEachGetEveryMessageOnce() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient legacy = gateway.edge(); WsClient nativeSubscriber = gateway.edge()) {
      create(publisher, "legacy.mixed");
      assertEquals("{\"Success\":\"Subscribed to legacy.mixed\"}", exchange(legacy, "{\"Subscribe\":\"legacy.mixed\"}"));
      assertResult(nativeSubscriber.request("subscribe", "legacy.mixed"));

      for (String text : List.of("one", "two", "three", "end")) {
        notifyText(publisher, "legacy.mixed", text);
      }
      // everything up to the last message ("end"), in order, with nothing repeated
      List<String> legacyGot = new ArrayList<>();
      while (legacyGot.isEmpty() || !legacyGot.get(legacyGot.size() - 1).contains("\"end\"")) {
        legacyGot.add(legacy.nextText());
      }
      assertEquals(List.of(
          "{\"ChannelMessage\":[\"legacy.mixed\",{\"Text\":\"one\"}]}",
          "{\"ChannelMessage\":[\"legacy.mixed\",{\"Text\":\"two\"}]}",
          "{\"ChannelMessage\":[\"legacy.mixed\",{\"Text\":\"three\"}]}",
          "{\"ChannelMessage\":[\"legacy.mixed\",{\"Text\":\"end\"}]}"), legacyGot);

      List<JsonObject> nativeGot = new ArrayList<>();
      while (nativeGot.isEmpty() || !"end".equals(nativeGot.get(nativeGot.size() - 1).getString("data"))) {
        nativeGot.add(nativeSubscriber.next());
      }
      assertEquals(List.of("one", "two", "three", "end"), nativeGot.stream().map(m -> m.getString("data")).toList());
      assertEquals(List.of(1L, 2L, 3L, 4L), nativeGot.stream().map(m -> m.getLong("offset")).toList());
      assertTrue(nativeGot.stream().allMatch(m -> "message".equals(m.getString("type"))));

      // nothing else was queued for either of them
      assertEquals("{\"Success\":\"Subscribed to legacy.mixed\"}", exchange(legacy, "{\"Subscribe\":\"legacy.mixed\"}"));
      assertEquals("reply", nativeSubscriber.request("ping", null).getString("type"));
      assertEquals(null, legacy.poll(0));
      assertEquals(null, nativeSubscriber.poll(0));
    }
  }

  /** TSLM's listener tokens, offered in Sec-WebSocket-Protocol. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class AuthTokens {
    private static final String TOKEN = "s3cret-token-1";
    private TestGateway secured;

    @BeforeAll
    void startSecured() throws Exception {
      secured = new TestGateway();
      secured.listenerConfig("public").put("auth_tokens", new JsonArray().add(TOKEN));
      secured.start();
    }

    @AfterAll
    void stopSecured() throws Exception {
      secured.close();
    }

    private void assertRefusedWith401(List<String> subProtocols) {
      Exception e = assertThrows(Exception.class,
          () -> WsClient.connect(secured.clients(), secured.edgePort(), "/", subProtocols).close());
      UpgradeRejectedException rejected = null;
      for (Throwable t = e; t != null && rejected == null; t = t.getCause()) {
        if (t instanceof UpgradeRejectedException u) {
          rejected = u;
        }
      }
      assertNotNull(rejected, "expected the handshake to be rejected, got " + e);
      assertEquals(401, rejected.getStatus());
    }

    @Test
    void connectingWithoutATokenIsRefused() {
      assertRefusedWith401(List.of());
    }

    @Test
    void connectingWithAWrongTokenIsRefused() {
      assertRefusedWith401(List.of("wrong-token-1"));
      assertRefusedWith401(List.of(TOKEN + "x"));
    }

    @Test
    void connectingWithTheTokenSucceedsAndEchoesIt() throws Exception {
      try (WsClient publisher = WsClient.connect(secured.clients(), secured.ingestPort());
          WsClient subscriber = WsClient.connect(secured.clients(), secured.edgePort(), "/", List.of(TOKEN))) {
        assertEquals(TOKEN, subscriber.socket().subProtocol());
        assertEquals("{\"Success\":\"Channel auth.c created\"}", exchange(publisher, "{\"CreateChannel\":\"auth.c\"}"));
        assertEquals("{\"Success\":\"Subscribed to auth.c\"}", exchange(subscriber, "{\"Subscribe\":\"auth.c\"}"));
        notifyText(publisher, "auth.c", "hi");
        assertEquals("{\"ChannelMessage\":[\"auth.c\",{\"Text\":\"hi\"}]}", subscriber.nextText());
      }
    }

    @Test
    void theTokenIsAlsoAcceptedOnWs() throws Exception {
      try (WsClient subscriber = WsClient.connect(secured.clients(), secured.edgePort(), "/ws", List.of(TOKEN))) {
        assertEquals(TOKEN, subscriber.socket().subProtocol());
      }
    }

    @Test
    void aListenerWithoutTokensStaysOpen() throws Exception {
      try (WsClient publisher = WsClient.connect(secured.clients(), secured.ingestPort())) {
        assertResult(publisher.request("ping", null));
      }
    }
  }
}
