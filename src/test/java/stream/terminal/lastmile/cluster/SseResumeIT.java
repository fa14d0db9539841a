package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.terminal.lastmile.support.ClusterNodes;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.SseClient;
import stream.terminal.lastmile.support.SseClient.Event;

/**
 * An SSE stream resumes on another edge node: three JVMs, one stream of three channels on edge1 while numbered
 * messages are published; edge1 is SIGKILLed mid-stream, and a new stream on edge2 with the last event id the
 * client saw must deliver every acknowledged message of every channel exactly once, in order.
 */
class SseResumeIT {
  private static final List<String> CHANNELS = List.of("sse.it.a", "sse.it.b", "sse.it.c");
  private static final int PER_CHANNEL = 100;

  @TempDir static Path dir;
  private static ClusterNodes cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = ClusterNodes.ingestAndTwoEdges(dir, c -> {});
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static String query() {
    return "/sse?" + String.join("&", CHANNELS.stream().map(c -> "channel=" + c).toList());
  }

  @Test
  void aStreamOfAKilledEdgeResumesElsewhereWithEveryAcknowledgedMessageOnceInOrder() throws Exception {
    int ingest = cluster.port("ingest", "private");
    for (String channel : CHANNELS) {
      assertEquals(201, Http.put(ingest, "/channels/" + channel).status());
    }
    Map<String, List<Long>> received = new HashMap<>();
    CHANNELS.forEach(c -> received.put(c, new ArrayList<>()));
    Map<String, TreeMap<Long, Integer>> acknowledged = new HashMap<>();
    CHANNELS.forEach(c -> acknowledged.put(c, new TreeMap<>()));
    int refused = 0;
    String lastId = null;
    try (SseClient first = SseClient.open(cluster.port("edge1", "public"), query())) {
      assertEquals(200, first.status());
      first.nextEvent(); // retry
      for (int i = 0; i < CHANNELS.size(); i++) {
        lastId = first.nextEvent().id();
      }
      for (int n = 1; n <= PER_CHANNEL; n++) {
        for (String channel : CHANNELS) {
          Http.Reply reply = Http.post(ingest, "/channels/" + channel + "/messages", "{\"n\":" + n + "}");
          if (reply.status() == 200) {
            acknowledged.get(channel).put(reply.json().getLong("offset"), n);
          } else {
            refused++;
          }
        }
        if (n == PER_CHANNEL / 2) {
          // the stream is flowing through edge1 when it dies: the client has had some of every channel
          for (int i = 0; i < CHANNELS.size(); i++) {
            Event e = first.nextEvent();
            received.get(e.json().getString("channel")).add(e.json().getLong("offset"));
            lastId = e.id();
          }
          cluster.process("edge1").kill();
        }
      }
      // whatever the victim sent before dying still counts, then the stream ends
      for (Event e : first.rest()) {
        if (e.isMessage()) {
          received.get(e.json().getString("channel")).add(e.json().getLong("offset"));
          lastId = e.id();
        }
      }
    }

    try (SseClient resumed = SseClient.open(cluster.port("edge2", "public"), query(), "Last-Event-ID", lastId)) {
      assertEquals(200, resumed.status());
      resumed.nextEvent();
      for (int i = 0; i < CHANNELS.size(); i++) {
        Event subscribed = resumed.nextEvent();
        assertEquals("subscribed", subscribed.name());
        assertTrue(subscribed.json().getBoolean("recovered"), subscribed.data());
      }
      while (!caughtUp(received, acknowledged)) {
        Event e = resumed.nextEvent();
        String channel = e.json().getString("channel");
        long offset = e.json().getLong("offset");
        assertEquals(acknowledged.get(channel).get(offset), e.json().getJsonObject("data").getInteger("n"),
            channel + ": the message stored at an offset is the one acknowledged with it: " + e.data());
        received.get(channel).add(offset);
      }
    }
    for (String channel : CHANNELS) {
      assertEquals(new ArrayList<>(acknowledged.get(channel).keySet()), received.get(channel),
          channel + ": every acknowledged message received once, in order");
    }
    assertTrue(refused < CHANNELS.size() * PER_CHANNEL / 10, "most publishes survive the failover: " + refused);
  }

  private static boolean caughtUp(Map<String, List<Long>> received, Map<String, TreeMap<Long, Integer>> acks) {
    for (String channel : CHANNELS) {
      List<Long> got = received.get(channel);
      long last = got.isEmpty() ? 0 : got.get(got.size() - 1);
      if (!acks.get(channel).isEmpty() && last < acks.get(channel).lastKey()) {
        return false;
      }
    }
    return true;
  }
}
