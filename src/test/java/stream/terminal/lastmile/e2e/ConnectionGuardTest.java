package stream.terminal.lastmile.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.RawHttp;
import stream.terminal.lastmile.support.RawWebSocket;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * Connections held without a request, or in numbers, against a real node: the handshake deadline, the keep-alive
 * timeout, {@code max_connections} over every TCP connection and the per-address cap.
 */
class ConnectionGuardTest {
  private static final Duration CLOSE_WITHIN = Duration.ofSeconds(5);
  private final TestGateway gateway = new TestGateway();
  private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void tearDown() throws Exception {
    trickler.shutdownNow();
    gateway.close();
  }

  @Test
  void halfRequestTrickledByteByByteIsClosedAtTheHandshakeDeadline() throws Exception {
    // the keep-alive timeout and the WebSocket idle timeout are far away: only the deadline can close it
    gateway.limits("public").put("handshake_timeout_ms", 500).put("keep_alive_timeout_ms", 60_000);
    gateway.start();
    try (RawHttp slowloris = new RawHttp(gateway.edgePort()); WsClient honest = gateway.edge()) {
      slowloris.send("GET /ws HTTP/1.1\r\nHost: x\r\n");
      byte[] header = "X-Slow: ".concat("a".repeat(1000)).getBytes(StandardCharsets.US_ASCII);
      int[] next = {0};
      trickler.scheduleAtFixedRate(() -> {
        try {
          slowloris.send(new byte[] {header[next[0]++ % header.length]});
        } catch (Exception closed) {
          throw new IllegalStateException(closed); // ends the schedule
        }
      }, 100, 100, TimeUnit.MILLISECONDS);

      Duration open = slowloris.awaitClosedBy(CLOSE_WITHIN);
      assertTrue(next[0] >= 2, "bytes kept arriving before the close: " + next[0]);
      assertTrue(open.toMillis() >= 300, "closed at the deadline, not at once: " + open);
      assertResult(honest.request("ping", null));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> metrics()
        .contains("lastmile_http_timeouts_total{role=\"edge\",timeout=\"handshake\"} 1.0"));
  }

  @Test
  void connectionWithoutAnyRequestIsClosedAtTheHandshakeDeadline() throws Exception {
    gateway.limits("private").put("handshake_timeout_ms", 300);
    gateway.start();
    try (RawHttp silent = new RawHttp(gateway.ingestPort())) {
      silent.awaitClosedBy(CLOSE_WITHIN);
    }
  }

  @Test
  void idleKeepAliveConnectionIsClosedAfterServingItsRequests() throws Exception {
    gateway.limits("private").put("keep_alive_timeout_ms", 300).put("handshake_timeout_ms", 60_000);
    gateway.start();
    try (RawHttp client = new RawHttp(gateway.ingestPort())) {
      assertEquals(200, client.get("/health").status());
      assertEquals(200, client.get("/health").status(), "the connection is kept alive between requests");
      client.awaitClosedBy(CLOSE_WITHIN);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> metrics()
        .contains("lastmile_http_timeouts_total{role=\"ingest\",timeout=\"keep_alive\"} 1.0"));
  }

  @Test
  void upgradedWebSocketOutlivesBothHttpTimeouts() throws Exception {
    gateway.limits("public").put("handshake_timeout_ms", 200).put("keep_alive_timeout_ms", 200)
        .put("ping_interval_ms", 100).put("idle_timeout_ms", 10_000);
    gateway.start();
    try (RawWebSocket ws = new RawWebSocket(gateway.edgePort())) {
      long start = System.nanoTime();
      // server pings (opcode 9) every 100 ms: wait for enough of them to outlast both timers twice over
      int pings = 0;
      while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(800)) {
        if (ws.read().opcode() == 0x9) {
          pings++;
        }
      }
      assertTrue(pings >= 3, "pings: " + pings);
      ws.sendText("{\"op\":\"ping\",\"id\":1}");
      RawWebSocket.Frame reply = ws.read();
      while (reply.opcode() != 0x1) {
        reply = ws.read();
      }
      assertTrue(reply.text().contains("\"reply\""), reply.text());
    }
  }

  @Test
  void maxConnectionsCountsConnectionsThatNeverUpgrade() throws Exception {
    gateway.limits("public").put("max_connections", 2).put("max_connections_per_ip", 0);
    gateway.start();
    try (RawHttp first = new RawHttp(gateway.edgePort()); RawHttp second = new RawHttp(gateway.edgePort())) {
      // a served request shows each was admitted; neither upgrades
      assertEquals(404, first.get("/").status());
      assertEquals(404, second.get("/").status());
      assertThrows(Exception.class, gateway::edge, "a third connection is closed at accept");
      try (RawHttp third = new RawHttp(gateway.edgePort())) {
        third.awaitClosedBy(CLOSE_WITHIN);
      }
      first.close();
      // the freed place is usable again (the server sees the close a moment after the client)
      WsClient honest = awaitConnect();
      assertResult(honest.request("ping", null));
      honest.close();
    }
    assertTrue(metrics().contains("lastmile_connections_refused_total{reason=\"limit\",role=\"edge\"} 2.0"),
        metrics());
  }

  @Test
  void perAddressCapClosesTheExtraConnectionAndFreesItsPlaceOnClose() throws Exception {
    gateway.limits("public").put("max_connections_per_ip", 3);
    gateway.start();
    try (WsClient a = gateway.edge(); WsClient b = gateway.edge(); RawHttp plain = new RawHttp(gateway.edgePort())) {
      assertEquals(404, plain.get("/").status());
      try (RawHttp fourth = new RawHttp(gateway.edgePort())) {
        fourth.awaitClosedBy(CLOSE_WITHIN);
      }
      assertResult(a.request("ping", null));
      a.close();
      a.awaitClose();
      WsClient c = awaitConnect();
      assertResult(c.request("ping", null));
      c.close();
      assertResult(b.request("ping", null));
    }
    assertTrue(metrics().contains("lastmile_connections_refused_total{reason=\"per_ip\",role=\"edge\"} "), metrics());
  }

  private WsClient awaitConnect() {
    return await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(gateway::edge, Objects::nonNull);
  }

  private String metrics() throws Exception {
    return Http.get(gateway.ingestPort(), "/metrics").body();
  }
}
