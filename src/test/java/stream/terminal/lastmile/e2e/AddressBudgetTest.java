package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * The per-address budgets against a real node: one address (127.0.0.2) spends its budget and its connections
 * wait, while a client from another address (127.0.0.1) is served at once. Nothing is refused or lost: every
 * command sent gets its reply, later.
 */
class AddressBudgetTest {
  private static final String HEAVY = "127.0.0.2";
  private final TestGateway gateway = new TestGateway();

  @AfterEach
  void tearDown() throws Exception {
    gateway.close();
  }

  private WsClient from(String address) throws Exception {
    return WsClient.connect(gateway.clients(), new WebSocketClientOptions().setLocalAddress(address),
        new WebSocketConnectOptions().setPort(gateway.edgePort()).setURI("/").setAllowOriginHeader(false));
  }

  private static JsonObject ping(int id) {
    return new JsonObject().put("op", "ping").put("id", id);
  }

  /**
   * Sends {@code batch} commands in one go: they arrive in one read, yet the budget paces them. Meanwhile a
   * client from another address is served at once. Returns how long the last reply of the batch took.
   */
  private Duration paced(WsClient heavy, JsonObject... batch) throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < batch.length; i++) {
      heavy.send(batch[i].copy().put("id", i));
    }
    try (WsClient other = gateway.edge()) {
      long otherStart = System.nanoTime();
      assertResult(other.request("ping", null));
      Duration otherTook = Duration.ofNanos(System.nanoTime() - otherStart);
      for (int i = 0; i < batch.length; i++) {
        heavy.replyTo(i);
      }
      Duration heavyTook = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(otherTook.compareTo(heavyTook.dividedBy(2)) < 0,
          "another address is not held up: " + otherTook + " against " + heavyTook);
      return heavyTook;
    }
  }

  /** Starts the node with that reply budget and no command rate limit; stores 20 messages of 2 KiB in "h". */
  private String startWithTwentyStoredMessages(int replyBytesPerSecond) throws Exception {
    gateway.limits("public").put("commands_per_second", 0).put("reply_bytes_per_second_per_ip", replyBytesPerSecond);
    gateway.start();
    assertEquals(201, Http.put(gateway.ingestPort(), "/channels/h").status());
    String body = new JsonObject().put("pad", "h".repeat(2000)).encode();
    String epoch = null;
    for (int i = 0; i < 20; i++) {
      Http.Reply published = Http.post(gateway.ingestPort(), "/channels/h/messages", body);
      assertEquals(200, published.status());
      epoch = new JsonObject(published.body()).getString("epoch");
    }
    return epoch;
  }

  @Test
  void framesOverTheAddressBudgetWaitForItToRefill() throws Exception {
    gateway.limits("public").put("commands_per_second", 0).put("frames_per_second_per_ip", 20);
    gateway.start();
    try (WsClient heavy = from(HEAVY)) {
      JsonObject[] batch = new JsonObject[100];
      java.util.Arrays.fill(batch, ping(0));
      // 100 frames against 40 held and 20 per second: about 3 s
      Duration took = paced(heavy, batch);
      assertTrue(took.toMillis() >= 2000, "paced by the budget: " + took);
    }
    assertTrue(gateway.metric("lastmile_reads_throttled_total{budget=\"frames\",role=\"edge\"}") >= 1);
  }

  @Test
  void bytesReadOverTheAddressBudgetWaitForItToRefill() throws Exception {
    gateway.limits("public").put("commands_per_second", 0).put("read_bytes_per_second_per_ip", 16 * 1024);
    gateway.start();
    try (WsClient heavy = from(HEAVY)) {
      // 4 frames of 15 KiB against 32 KiB held and 16 KiB per second: about 1.75 s
      JsonObject padded = ping(0).put("pad", "x".repeat(15 * 1024));
      Duration took = paced(heavy, padded, padded, padded, padded);
      assertTrue(took.toMillis() >= 1200, "paced by the budget: " + took);
    }
    assertTrue(gateway.metric("lastmile_reads_throttled_total{budget=\"read_bytes\",role=\"edge\"}") >= 1);
  }

  @Test
  void historyRepliesOverTheAddressBudgetPauseItsReading() throws Exception {
    startWithTwentyStoredMessages(32 * 1024);
    try (WsClient heavy = from(HEAVY)) {
      // 64 KiB held, 32 KiB per second: the first page is whole (40 KiB), the second cut to what is left, the
      // other 18 one message each (a page holds at least one), read only as the debt is paid: about 1.1 s. Each
      // request is padded to fill a piece of what the node reads, so the debt is seen between two requests
      JsonObject history = new JsonObject().put("op", "history").put("channel", "h").put("pad", "x".repeat(400));
      JsonObject[] batch = new JsonObject[20];
      java.util.Arrays.fill(batch, history);
      Duration took = paced(heavy, batch);
      assertTrue(took.toMillis() >= 700, "paced by the budget: " + took);
    }
    assertTrue(gateway.metric("lastmile_reads_throttled_total{budget=\"reply_bytes\",role=\"edge\"}") >= 1);
  }

  @Test
  void historyPagesAreCutToWhatTheReplyBudgetHasLeft() throws Exception {
    startWithTwentyStoredMessages(8 * 1024);
    try (WsClient heavy = from(HEAVY)) {
      JsonObject history = new JsonObject().put("op", "history").put("channel", "h");
      // 16 KiB held: about 7 messages of 2 KiB, then the budget is spent and a page is one message
      int first = heavy.request(history).getJsonObject("result").getJsonArray("messages").size();
      int second = heavy.request(history).getJsonObject("result").getJsonArray("messages").size();
      assertTrue(first >= 5 && first <= 8, "the first page holds what the budget held: " + first);
      assertEquals(1, second, "a spent budget still gets one message, and the client pages on");
    }
  }

  @Test
  void aReplayOverTheReplyBudgetWaitsForItAndLosesNothing() throws Exception {
    String epoch = startWithTwentyStoredMessages(16 * 1024);
    try (WsClient heavy = from(HEAVY)) {
      long start = System.nanoTime();
      // 40 KiB to replay against 32 KiB held and 16 KiB per second: the last messages wait about 0.5 s
      assertResult(heavy.request(new JsonObject().put("op", "subscribe").put("channel", "h")
          .put("since", new JsonObject().put("epoch", epoch).put("offset", 0))));
      for (long offset = 1; offset <= 20; offset++) {
        assertEquals(offset, heavy.nextMessage().getLong("offset"));
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(took.toMillis() >= 300, "paced by the budget: " + took);
    }
  }

  @Test
  void connectionsOverTheAddressRateAreClosedAtAcceptWhileOtherAddressesConnect() throws Exception {
    gateway.limits("public").put("new_connections_per_second_per_ip", 1);
    gateway.start();
    // 2 held and 1 more per second, each closed at once: closing gives nothing back
    long start = System.nanoTime();
    int admitted = 0;
    for (int i = 0; i < 10; i++) {
      try {
        from(HEAVY).close();
        admitted++;
      } catch (Exception closedAtAccept) {
        // refused before the handshake
      }
    }
    long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
    assertTrue(admitted >= 2 && admitted <= 3 + seconds, admitted + " admitted in " + seconds + " s");
    try (WsClient other = gateway.edge()) {
      assertResult(other.request("ping", null));
    }
    assertEquals(10.0 - admitted,
        gateway.metric("lastmile_connections_refused_total{reason=\"connection_rate\",role=\"edge\"}"));
  }
}
