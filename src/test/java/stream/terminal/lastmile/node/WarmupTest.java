package stream.terminal.lastmile.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * The self warm-up, on a real node: the node answers not ready while it runs and ready after; nothing of the
 * warm-up (channel, connections, metrics) shows on the node, which then serves as usual; a warm-up whose private
 * gateway cannot start is logged and the node starts anyway.
 */
class WarmupTest {
  private final List<String> logged = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logged.add(record.getLevel() + " " + java.text.MessageFormat.format(record.getMessage(),
          record.getParameters() == null ? new Object[0] : record.getParameters()));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  /** Held: JUL keeps loggers weakly, and a collected one would come back without the handler. */
  private final Logger warmupLog = Logger.getLogger(SelfWarmup.class.getName());
  private TestGateway gateway;
  private int opsPort;

  @BeforeEach
  void setUp() throws IOException {
    warmupLog.addHandler(capture);
    gateway = new TestGateway();
    // a fixed port, free now: /ready must be reachable before the start completes and tells node.port()
    try (ServerSocket socket = new ServerSocket(0)) {
      opsPort = socket.getLocalPort();
    }
    gateway.config().getJsonArray("listeners").add(new JsonObject().put("name", "ops").put("role", "ops")
        .put("host", "127.0.0.1").put("port", opsPort));
  }

  @AfterEach
  void tearDown() throws Exception {
    warmupLog.removeHandler(capture);
    gateway.close();
  }

  private void warmup(JsonObject settings) {
    gateway.config().getJsonObject("node").put("warmup", settings.put("enabled", true));
  }

  private int ready() {
    try {
      return Http.get(opsPort, "/ready").status();
    } catch (Exception e) {
      return -1; // not listening yet
    }
  }

  @Test
  void notReadyWhileWarmingUpThenServesWithNothingOfItVisible() throws Exception {
    warmup(new JsonObject().put("max_ms", 1000));
    var started = gateway.startAsync();

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> ready() == 503);
    started.await(60, TimeUnit.SECONDS);
    assertEquals(200, ready());
    assertTrue(logged.stream().anyMatch(l -> l.startsWith("INFO self warm-up: ") && !l.contains(" 0 deliveries")),
        logged.toString());

    String channels = Http.get(gateway.ingestPort(), "/channels").body();
    assertFalse(channels.contains("warmup"), channels);
    assertEquals(0.0, gateway.metric("lastmile_messages_published_total"));
    assertEquals(0.0, gateway.metric("lastmile_messages_delivered_total"));
    assertEquals(0.0, gateway.metric("lastmile_subscriptions"));

    assertEquals(201, Http.put(gateway.ingestPort(), "/channels/after.warmup").status());
    try (WsClient subscriber = gateway.edge()) {
      assertTrue(subscriber.request("subscribe", "after.warmup").containsKey("result"));
      assertEquals(200, Http.post(gateway.ingestPort(), "/channels/after.warmup/messages", "{\"n\":1}").status());
      assertEquals(new JsonObject().put("n", 1), subscriber.nextMessage().getJsonObject("data"));
    }
  }

  @Test
  void aWarmupThatFailsIsLoggedAndTheNodeStarts() throws Exception {
    // not loopback: the private gateway's unauthenticated ingest listener is refused there, so it cannot start
    warmup(new JsonObject().put("host", "192.0.2.1"));

    gateway.startAsync().await(60, TimeUnit.SECONDS);

    assertEquals(200, ready());
    assertTrue(logged.stream().anyMatch(l -> l.startsWith("WARNING self warm-up failed after ")), logged.toString());
    assertEquals(201, Http.put(gateway.ingestPort(), "/channels/no.warmup").status());
  }
}
