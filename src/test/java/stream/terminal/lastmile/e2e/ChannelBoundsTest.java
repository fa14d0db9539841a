package stream.terminal.lastmile.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static stream.terminal.lastmile.support.WsClient.assertError;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * A node's channel state shrinks on its own: the sweep expires backlogs nobody reads, and channels idle past
 * {@code idle_evict_seconds} go, except those with subscribers and the declared ones.
 */
class ChannelBoundsTest {
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway();
    gateway.config().put("channels", new JsonObject()
        .put("declare", new JsonArray().add("bounds.declared"))
        .put("sweep_interval_ms", 50)
        .put("idle_evict_seconds", 2)
        .put("defaults", new JsonObject().put("backlog_ttl_seconds", 1)));
    gateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static double metric(String name) throws Exception {
    String text = Http.get(gateway.ingestPort(), "/metrics").body();
    return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in /metrics"));
  }

  private static List<String> channels() throws Exception {
    JsonArray all = Http.get(gateway.ingestPort(), "/channels").json().getJsonArray("channels");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      names.add(all.getJsonObject(i).getString("channel"));
    }
    return names;
  }

  private static JsonObject publish(WsClient publisher, String channel) throws Exception {
    return publisher.request(new JsonObject().put("op", "publish").put("channel", channel).put("data", "x"));
  }

  @Test
  void expiredMessagesLeaveMemoryAndIdleChannelsGoWhileWatchedAndDeclaredOnesStay() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient subscriber = gateway.edge()) {
      String epoch = publisher.request("create", "bounds.idle").getJsonObject("result").getString("epoch");
      assertResult(publisher.request("create", "bounds.watched"));
      assertResult(subscriber.request("subscribe", "bounds.watched"));
      for (String c : List.of("bounds.idle", "bounds.watched", "bounds.declared")) {
        assertResult(publish(publisher, c));
      }

      // nothing touches the channels: the sweep alone empties the backlogs, then evicts the idle channel
      await().atMost(Duration.ofSeconds(10)).until(() -> metric("lastmile_backlog_bytes") == 0.0);
      await().atMost(Duration.ofSeconds(10)).until(() -> !channels().contains("bounds.idle"));
      assertEquals(1.0, metric("lastmile_channels_evicted_total"));
      List<String> left = channels();
      assertEquals(List.of("bounds.declared", "bounds.watched"), left);

      // what its clients see: gone, then a new epoch once re-created, so a resume is not recovered
      assertError("channel_not_found", publish(publisher, "bounds.idle"));
      String fresh = publisher.request("create", "bounds.idle").getJsonObject("result").getString("epoch");
      assertNotEquals(epoch, fresh);
      JsonObject resumed = subscriber.request(new JsonObject().put("op", "subscribe").put("channel", "bounds.idle")
          .put("since", new JsonObject().put("epoch", epoch).put("offset", 1))).getJsonObject("result");
      assertFalse(resumed.getBoolean("recovered"), resumed.encode());
      assertEquals(fresh, resumed.getString("epoch"));

      // once its last subscriber leaves, the node lets go of the watched channel too
      assertResult(subscriber.request("unsubscribe", "bounds.watched"));
      await().atMost(Duration.ofSeconds(10)).until(() -> !channels().contains("bounds.watched"));
    }
  }
}
