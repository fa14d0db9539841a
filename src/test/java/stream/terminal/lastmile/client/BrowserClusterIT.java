package stream.terminal.lastmile.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import stream.terminal.lastmile.support.BrowserPage;
import stream.terminal.lastmile.support.ClusterNodes;
import stream.terminal.lastmile.support.Http;

/**
 * The browser client in headless Chromium on a three-JVM cluster: the edge node the page uses is restarted on the
 * same port while messages keep coming (the backlog lives on the other members), and the page must end with every
 * offset once, in order, in one epoch, and no gap reported: over WebSocket (resubscribe with {@code since}) and,
 * with {@code window.WebSocket} removed, over SSE (a new stream with {@code last_event_id}).
 */
class BrowserClusterIT {
  private static final int PER_BATCH = 50;

  @TempDir static Path dir;
  private static ClusterNodes cluster;
  private static int edgePort;

  @BeforeAll
  static void start() throws Exception {
    cluster = ClusterNodes.ingestAndTwoEdges(dir, c -> edgePort = c.fixPublicPort("edge1"));
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  @ParameterizedTest(name = "without WebSocket: {0}")
  @ValueSource(booleans = {false, true})
  void aPageResumesAcrossARestartOfItsEdgeWithNoOffsetMissingOrDoubled(boolean noWebSocket) throws Exception {
    String channel = "browser.cluster." + (noWebSocket ? "sse" : "websocket");
    Http.Reply created = Http.put(cluster.port("ingest", "private"), "/channels/" + channel);
    assertEquals(201, created.status(), created.body());
    String epoch = created.json().getString("epoch");

    try (BrowserPage page = BrowserPage.open("http://127.0.0.1:" + edgePort, channel, noWebSocket)) {
      assertEquals(noWebSocket ? "sse" : "websocket", page.await("sub.position !== null").getJsonArray("opens").getString(0));
      publish(channel, 1, PER_BATCH);
      page.await("s.received.length >= " + PER_BATCH);

      // the next batch is published while edge1 drains, is down and starts again
      CompletableFuture<Void> during = CompletableFuture.runAsync(() -> publish(channel, PER_BATCH + 1, 2 * PER_BATCH));
      cluster.restart("edge1");
      during.get(60, TimeUnit.SECONDS);
      // and the last one while the page reconnects and replays
      publish(channel, 2 * PER_BATCH + 1, 3 * PER_BATCH);

      JsonObject state = page.await("s.received.length >= " + 3 * PER_BATCH);
      assertEquals(BrowserTest.offsets(epoch, 1, 3 * PER_BATCH), state.getJsonArray("received").getList(),
          "every offset once, in order: " + state.encode());
      assertEquals(0, state.getJsonArray("gaps").size(), state.encode());
      assertEquals(4000, state.getJsonArray("closes").getJsonObject(0).getInteger("code"), "the drain's notice");
      assertTrue(state.getJsonArray("opens").size() >= 2, "reconnected: " + state.encode());
      // nothing more arrives after the last offset (no late duplicates)
      assertEquals(3 * PER_BATCH, page.state().getJsonArray("received").size());
    }
  }

  private static void publish(String channel, int from, int to) {
    try {
      for (int n = from; n <= to; n++) {
        Http.Reply reply = Http.post(cluster.port("ingest", "private"), "/channels/" + channel + "/messages", "{\"n\":" + n + "}");
        assertEquals(200, reply.status(), reply.body());
        assertEquals(n, reply.json().getInteger("offset"), reply.body());
      }
    } catch (Exception e) {
      throw new AssertionError("publish " + from + ".." + to, e);
    }
  }
}
