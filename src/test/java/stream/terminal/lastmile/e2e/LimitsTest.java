package stream.terminal.lastmile.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertError;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.RawWebSocket;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/** Every limit of a listener, enforced against real clients, without disturbing the well-behaved ones. */
class LimitsTest {
  private final TestGateway gateway = new TestGateway();

  @AfterEach
  void tearDown() throws Exception {
    gateway.close();
  }

  private static JsonObject publish(String channel, Object data) {
    return new JsonObject().put("op", "publish").put("channel", channel).put("data", data);
  }

  @Test
  void slowSubscriberIsDroppedWhileAFastOneReceivesEverything() throws Exception {
    gateway.limits("public").put("write_queue_bytes", 64 * 1024);
    gateway.config().getJsonObject("node").put("edge_instances", 1);
    gateway.limits("private").put("max_data_bytes", 128 * 1024);
    gateway.start();
    int messages = 400;
    String payload = "x".repeat(60 * 1024);
    try (WsClient publisher = gateway.ingest(); WsClient fast = gateway.edge(); WsClient slow = gateway.edge()) {
      publisher.request("create", "limits.slow");
      fast.request("subscribe", "limits.slow");
      slow.request("subscribe", "limits.slow");
      slow.socket().pause(); // stops reading: the kernel buffers fill, then the server's queue

      for (int i = 1; i <= messages; i++) {
        publisher.send(publish("limits.slow", payload));
      }
      for (int i = 1; i <= messages; i++) {
        assertEquals(i, fast.nextMessage().getLong("offset"));
      }
      slow.socket().resume();
      JsonObject last = null;
      for (JsonObject frame = slow.next(); !"disconnect".equals(frame.getString("type")); frame = slow.next()) {
        last = frame;
      }
      assertEquals(4001, slow.awaitClose());
      assertTrue(last == null || last.getLong("offset", 0L) < messages, "the slow client was dropped before the end");
    }
  }

  @Test
  void floodGetsRateLimitedThenDisconnected() throws Exception {
    gateway.limits("public").put("commands_per_second", 10).put("burst", 5);
    gateway.start();
    try (WsClient flooder = gateway.edge(); WsClient honest = gateway.edge()) {
      for (int i = 0; i < 5; i++) {
        assertResult(flooder.request("ping", null));
      }
      assertError("rate_limited", flooder.request("ping", null));
      for (int i = 0; i < 10; i++) {
        flooder.send(new JsonObject().put("op", "ping"));
      }
      assertEquals(4003, flooder.awaitClose());
      assertResult(honest.request("ping", null));
    }
  }

  @Test
  void junkFramesCountAgainstTheRateLimitToo() throws Exception {
    gateway.limits("public").put("commands_per_second", 10).put("burst", 5);
    gateway.start();
    try (WsClient flooder = gateway.edge()) {
      for (int i = 0; i < 20; i++) {
        flooder.sendText(i % 2 == 0 ? "junk" : "");
        flooder.sendBinary(new byte[] {1});
      }
      JsonObject frame = flooder.next();
      for (int errors = 0; "reply".equals(frame.getString("type")); frame = flooder.next()) {
        assertTrue(++errors <= 5 + 6, "at most a burst of bad_request and then rate_limited replies");
      }
      assertEquals(4003, frame.getInteger("code"));
      assertEquals(4003, flooder.awaitClose());
    }
  }

  @Test
  void aSubscriberThatVanishesMidStreamIsCleanedUpAndOthersCarryOn() throws Exception {
    gateway.start();
    try (WsClient publisher = gateway.ingest(); WsClient stays = gateway.edge()) {
      publisher.request("create", "limits.vanish");
      stays.request("subscribe", "limits.vanish");
      RawWebSocket vanishing = new RawWebSocket(gateway.edgePort());
      vanishing.sendText("{\"op\":\"subscribe\",\"channel\":\"limits.vanish\"}");
      assertEquals("reply", new JsonObject(vanishing.read().text()).getString("type"));
      for (int i = 1; i <= 200; i++) {
        publisher.send(publish("limits.vanish", "m" + i));
        if (i == 100) {
          vanishing.close(); // no close frame: the TCP connection just goes away
        }
      }
      for (int i = 1; i <= 200; i++) {
        assertEquals(i, stays.nextMessage().getLong("offset"));
      }
      await().atMost(Duration.ofSeconds(10)).until(() ->
          Http.get(gateway.ingestPort(), "/metrics").body().contains("lastmile_connections{role=\"edge\"} 1.0"));
      assertTrue(Http.get(gateway.ingestPort(), "/metrics").body().contains("lastmile_subscriptions 1.0"));
    }
  }

  @Test
  void oversizedFrameClosesWith1009AndOthersCarryOn() throws Exception {
    gateway.limits("public").put("max_frame_bytes", 1024);
    gateway.start();
    try (WsClient big = gateway.edge(); WsClient huge = gateway.edge(); WsClient other = gateway.edge()) {
      big.sendText("{\"op\":\"ping\",\"pad\":\"" + "y".repeat(2048) + "\"}");
      JsonObject notice = big.next();
      assertEquals("disconnect", notice.getString("type"));
      assertEquals(1009, notice.getInteger("code"));
      assertEquals(1009, big.awaitClose());
      // far past the limit too: the frame is discarded as it arrives, never buffered, and the close is the same
      huge.sendText("{\"op\":\"ping\",\"pad\":\"" + "y".repeat(200_000) + "\"}");
      assertEquals(1009, huge.awaitClose());
      assertResult(other.request("ping", null));
    }
  }

  @Test
  void oversizedFragmentedMessagesAreRefusedToo() throws Exception {
    gateway.limits("public").put("max_frame_bytes", 1024);
    gateway.start();
    for (int size : new int[] {2048, 200_000}) {
      try (RawWebSocket client = new RawWebSocket(gateway.edgePort())) {
        client.sendFragmented("{\"op\":\"ping\",\"pad\":\"" + "y".repeat(size) + "\"}", 512);
        RawWebSocket.Frame frame = client.read();
        while (frame.opcode() == 0x9) {
          frame = client.read();
        }
        assertEquals("disconnect", new JsonObject(frame.text()).getString("type"), frame.text());
        assertEquals(1009, new JsonObject(frame.text()).getInteger("code"));
        assertEquals(1009, client.read().closeCode());
      }
    }
  }

  @Test
  void oversizedDataIsRefusedAndTheConnectionLives() throws Exception {
    gateway.limits("private").put("max_data_bytes", 100);
    gateway.start();
    try (WsClient publisher = gateway.ingest()) {
      publisher.request("create", "limits.data");
      assertError("too_large", publisher.request(publish("limits.data", "é".repeat(60))));
      assertResult(publisher.request(publish("limits.data", "é".repeat(40))));
    }
  }

  @Test
  void subscriptionLimitPerConnection() throws Exception {
    gateway.limits("public").put("max_subscriptions", 3);
    gateway.start();
    try (WsClient publisher = gateway.ingest(); WsClient subscriber = gateway.edge()) {
      for (int i = 0; i < 4; i++) {
        publisher.request("create", "limits.sub" + i);
      }
      for (int i = 0; i < 3; i++) {
        assertResult(subscriber.request("subscribe", "limits.sub" + i));
      }
      assertError("limit_exceeded", subscriber.request("subscribe", "limits.sub3"));
      assertResult(subscriber.request("unsubscribe", "limits.sub0"));
      assertResult(subscriber.request("subscribe", "limits.sub3"));
    }
  }

  @Test
  void lookupsAwaitingRepliesAreBoundedPerConnection() throws Exception {
    gateway.limits("public").put("max_subscriptions", 2);
    gateway.start();
    try (WsClient publisher = gateway.ingest(); RawWebSocket client = new RawWebSocket(gateway.edgePort())) {
      publisher.request("create", "limits.look0");
      publisher.request("create", "limits.look1");
      // read in one go: both subscribes still wait for the hub (another event loop) when the history comes
      client.sendTexts(
          "{\"op\":\"subscribe\",\"channel\":\"limits.look0\",\"id\":1}",
          "{\"op\":\"subscribe\",\"channel\":\"limits.look1\",\"id\":2}",
          "{\"op\":\"history\",\"channel\":\"limits.look0\",\"id\":3}");
      Map<Integer, JsonObject> replies = new HashMap<>();
      while (replies.size() < 3) {
        JsonObject reply = new JsonObject(client.read().text());
        replies.put(reply.getInteger("id"), reply);
      }
      assertResult(replies.get(1));
      assertResult(replies.get(2));
      assertError("rate_limited", replies.get(3));
      // replied to, they no longer count
      client.sendText("{\"op\":\"history\",\"channel\":\"limits.look0\",\"id\":4}");
      JsonObject history = new JsonObject(client.read().text());
      assertEquals(4, history.getInteger("id"));
      assertResult(history);
    }
  }

  @Test
  void silentClientIsDroppedAfterTheIdleTimeoutWhileAnsweringOnesStay() throws Exception {
    gateway.limits("public").put("ping_interval_ms", 100).put("idle_timeout_ms", 400);
    gateway.start();
    long started = System.nanoTime();
    try (RawWebSocket silent = new RawWebSocket(gateway.edgePort()); WsClient live = gateway.edge()) {
      int pings = 0;
      RawWebSocket.Frame frame = silent.read();
      for (; frame.opcode() == 0x9; frame = silent.read()) {
        pings++; // never answered
      }
      assertTrue(pings >= 1, "the server pings before giving up");
      assertEquals(0x1, frame.opcode());
      JsonObject notice = new JsonObject(frame.text());
      assertEquals("disconnect", notice.getString("type"));
      assertEquals(4002, notice.getInteger("code"));
      assertTrue(notice.getBoolean("reconnect"));
      RawWebSocket.Frame close = silent.read();
      assertEquals(0x8, close.opcode());
      assertEquals(4002, close.closeCode());
      assertTrue(System.nanoTime() - started >= 400_000_000L);
      // the library client answers every ping, so it is still there after several idle periods
      assertResult(live.request("ping", null));
      assertFalse(live.isClosed());
    }
  }

  @Test
  void manyChannelsRespectTheChannelLimit() throws Exception {
    gateway.config().put("channels", new JsonObject().put("max", 3));
    gateway.start();
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      statuses.add(Http.put(gateway.ingestPort(), "/channels/limits.max" + i).status());
    }
    assertEquals(List.of(201, 201, 201, 429), statuses);
    assertEquals("limit_exceeded", Http.put(gateway.ingestPort(), "/channels/limits.max9").errorCode());
  }
}
