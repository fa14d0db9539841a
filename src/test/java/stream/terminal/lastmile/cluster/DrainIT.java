package stream.terminal.lastmile.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.terminal.lastmile.support.ClusterNodes;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.WsClient;

/**
 * SIGTERM on an ingest node while a publisher pipelines publishes to it: the node turns unready first and keeps
 * serving for its drain delay, then stops reading and acknowledges every publish it stored before its notice, so
 * the publisher has nothing to send twice. Separate JVMs: an ingest node and the edge node that outlives it.
 */
class DrainIT {
  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** Publishes 1, 2, 3, ... on one WebSocket, keeping {@code window} unacknowledged, until the server's notice. */
  private static final class PipelinedPublisher {
    final List<Long> acknowledged = new CopyOnWriteArrayList<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    final CompletableFuture<JsonObject> notice = new CompletableFuture<>();
    /** Makes the node, not this client, the bottleneck: publishes wait in its group commit when SIGTERM comes. */
    private static final String PAD = "x".repeat(8 * 1024);
    private final WebSocket ws;
    private final String channel;
    private long sent;

    PipelinedPublisher(Vertx vertx, int port, String channel, int window) throws Exception {
      this.channel = channel;
      this.ws = vertx.createWebSocketClient()
          .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/")
              // a publisher is no browser: ingest listeners refuse requests that carry an Origin
              .setAllowOriginHeader(false))
          .await(10, TimeUnit.SECONDS);
      ws.closeHandler(v -> notice.completeExceptionally(new AssertionError("closed without a notice")));
      ws.textMessageHandler(this::onText);
      for (int i = 0; i < window; i++) {
        sendNext();
      }
    }

    private void onText(String text) {
      JsonObject frame = new JsonObject(text);
      if ("disconnect".equals(frame.getString("type"))) {
        notice.complete(frame);
        return;
      }
      if (frame.containsKey("error")) {
        errors.add(text);
      } else {
        acknowledged.add(frame.getJsonObject("result").getLong("offset"));
      }
      if (!notice.isDone()) {
        sendNext();
      }
    }

    /** Numbers and writes under one lock: the first window is sent from the test's thread. */
    private synchronized void sendNext() {
      sent++;
      ws.writeTextMessage(new JsonObject().put("op", "publish").put("channel", channel)
          .put("data", new JsonObject().put("n", sent).put("pad", PAD)).encode());
    }
  }

  @Test
  void aStoppingIngestNodeTurnsUnreadyFirstThenAcknowledgesEveryPublishItStored() throws Exception {
    try (ClusterNodes cluster = new ClusterNodes(dir, List.of("ingest", "edge"))) {
      cluster.start("ingest", "ingest", "drain_delay_ms: 1500", "");
      cluster.start("edge", "edge");
      cluster.awaitReady();
      int ingest = cluster.port("ingest", "private");
      assertEquals(201, Http.put(ingest, "/channels/it.drain").status());
      try (WsClient subscriber = cluster.edge("edge")) {
        assertResult(subscriber.request("subscribe", "it.drain"));
        PipelinedPublisher publisher = new PipelinedPublisher(vertx, ingest, "it.drain", 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> publisher.acknowledged.size() >= 200);

        cluster.process("ingest").terminate();
        // unready while the listener still accepts and serves: a load balancer has time to look elsewhere
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
            .until(() -> Http.get(ingest, "/ready").status() == 503);
        int acknowledgedWhenUnready = publisher.acknowledged.size();
        await().atMost(Duration.ofSeconds(10)).until(() -> publisher.acknowledged.size() > acknowledgedWhenUnready + 100);

        JsonObject notice = publisher.notice.get(30, TimeUnit.SECONDS);
        assertEquals(4000, notice.getInteger("code"), notice.encode());
        assertEquals(143, cluster.process("ingest").awaitExit(30));
        String log = cluster.process("ingest").output();
        assertTrue(log.contains("INFO    stream.terminal.lastmile.launcher.Main: stopped"), "the stop finished:\n" + log);
        assertEquals(List.of(), publisher.errors);

        // what the channel stored, read on the surviving node, is exactly what was acknowledged
        long last;
        try (WsClient probe = cluster.edge("edge")) {
          last = probe.request("subscribe", "it.drain").getJsonObject("result").getLong("offset");
        }
        List<Long> unacknowledged =
            LongStream.rangeClosed(1, last).filter(o -> !publisher.acknowledged.contains(o)).boxed().toList();
        assertEquals(List.of(), unacknowledged, "stored, yet not acknowledged");
        assertEquals(last, publisher.acknowledged.size(), "each acknowledged once, none unstored");
        for (long offset = 1; offset <= last; offset++) {
          JsonObject message = subscriber.nextMessage();
          assertEquals(offset, message.getLong("offset"), message.encode());
          assertEquals(offset, message.getJsonObject("data").getLong("n"), "in publish order: " + message.encode());
        }
      }
    }
  }
}
