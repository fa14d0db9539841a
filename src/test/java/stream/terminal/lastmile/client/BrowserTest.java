package stream.terminal.lastmile.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.BrowserPage;
import stream.terminal.lastmile.support.ClusterNodes;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.TestGateway;

/**
 * The browser client in real headless Chromium against one node: live messages over WebSocket, the fallback to
 * SSE in a browser without WebSocket, and the gap a restarted node (a new epoch) must be reported as.
 */
class BrowserTest {
  private static final String CHANNEL = "browser.prices";

  private TestGateway gateway;

  @BeforeEach
  void start() throws Exception {
    gateway = new TestGateway();
    // a fixed port, free now, so the restarted node is where the page's client left it
    gateway.listenerConfig("public").put("port", ClusterNodes.memberPort());
    // declared: the restarted node has the channel again at once, with a new epoch
    gateway.config().put("channels", new JsonObject().put("declare", new JsonArray().add(CHANNEL)));
    gateway.start();
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
  }

  @Test
  void receivesLiveMessagesOverWebSocket() throws Exception {
    try (BrowserPage page = BrowserPage.open(edgeUrl(), CHANNEL, false)) {
      assertEquals(List.of("websocket"), page.await("sub.position !== null").getJsonArray("opens").getList());
      String epoch = publish(20);
      JsonObject state = page.await("s.received.length >= 20");
      assertEquals(offsets(epoch, 1, 20), state.getJsonArray("received").getList());
      assertEquals("websocket", state.getString("transport"));
    }
  }

  @Test
  void fallsBackToServerSentEventsWithoutWebSocket() throws Exception {
    try (BrowserPage page = BrowserPage.open(edgeUrl(), CHANNEL, true)) {
      assertEquals(List.of("sse"), page.await("sub.position !== null").getJsonArray("opens").getList());
      String epoch = publish(20);
      JsonObject state = page.await("s.received.length >= 20");
      assertEquals(offsets(epoch, 1, 20), state.getJsonArray("received").getList());
      assertEquals("sse", state.getString("transport"));
    }
  }

  @Test
  void aRestartedNodesNewEpochIsReportedAsAGap() throws Exception {
    try (BrowserPage page = BrowserPage.open(edgeUrl(), CHANNEL, false)) {
      page.await("sub.position !== null");
      String before = publish(5);
      page.await("s.received.length >= 5");

      gateway.stop();
      gateway.start();
      JsonObject gap = page.await("s.gaps.length > 0").getJsonArray("gaps").getJsonObject(0);
      String after = publish(3);
      assertNotEquals(before, after);
      assertEquals(new JsonObject().put("channel", CHANNEL).put("epoch", after).put("lastOffset", 5)
          .put("firstAvailable", 1), gap);

      JsonObject state = page.await("s.received.length >= 8");
      List<Object> expected = offsets(before, 1, 5);
      expected.addAll(offsets(after, 1, 3));
      assertEquals(expected, state.getJsonArray("received").getList());
      assertEquals(1, state.getJsonArray("gaps").size(), state.encode());
      assertEquals(4000, state.getJsonArray("closes").getJsonObject(0).getInteger("code"), "the drain's notice");
    }
  }

  private String edgeUrl() {
    return "http://127.0.0.1:" + gateway.edgePort();
  }

  /** Publishes messages {n: 1..count} through the ingest API; returns the channel's epoch. */
  private String publish(int count) throws Exception {
    String epoch = null;
    for (int n = 1; n <= count; n++) {
      Http.Reply reply = Http.post(gateway.ingestPort(), "/channels/" + CHANNEL + "/messages", "{\"n\":" + n + "}");
      assertEquals(200, reply.status(), reply.body());
      epoch = reply.json().getString("epoch");
    }
    return epoch;
  }

  static List<Object> offsets(String epoch, int from, int to) {
    return new java.util.ArrayList<>(IntStream.rangeClosed(from, to).mapToObj(o -> epoch + ":" + o).toList());
  }
}
