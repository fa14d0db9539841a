package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.terminal.lastmile.support.ClusterNodes;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.WsClient;

/**
 * Gap-free resume across the loss of a node: three JVMs, subscribers on edge1 recording what they get while a
 * publisher streams numbered messages to ten channels; edge1 is SIGKILLed mid-stream. Ten channels spread their
 * ringbuffers over the three members, so the victim almost surely holds the primary copy of some of them
 * (all ten elsewhere: (2/3)^10, under 2%). Every subscriber resumes on edge2 with {@code since} and must end with
 * every acknowledged message exactly once, in order, and nothing else but publishes answered
 * {@code "stored": "unknown"}: a publish refused for sure is never stored.
 */
class ResumeIT {
  private static final int CHANNELS = 10;
  private static final int PER_CHANNEL = 150;

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

  @Test
  void subscribersOfAKilledEdgeResumeElsewhereWithEveryAcknowledgedMessageOnceInOrder() throws Exception {
    int ingestHttp = cluster.port("ingest", "private");
    Map<String, String> epochs = new HashMap<>();
    Map<String, WsClient> subscribers = new HashMap<>();
    Map<String, List<Long>> received = new HashMap<>();
    for (int c = 0; c < CHANNELS; c++) {
      String channel = "resume.c" + c;
      Http.Reply created = Http.put(ingestHttp, "/channels/" + channel);
      assertEquals(201, created.status());
      epochs.put(channel, created.json().getString("epoch"));
      WsClient subscriber = cluster.edge("edge1");
      assertResult(subscriber.request("subscribe", channel));
      subscribers.put(channel, subscriber);
      received.put(channel, new ArrayList<>());
    }

    // offset → the n it was acknowledged for, per channel; publishes refused during the failover are not counted
    Map<String, Map<Long, Integer>> acknowledged = new HashMap<>();
    // the n of each publish whose outcome the node could not know (its store was in flight on edge1), per channel
    Map<String, List<Integer>> unknown = new HashMap<>();
    List<String> refused = new ArrayList<>();
    try (WsClient publisher = cluster.ingest("ingest")) {
      int sent = 0;
      for (int n = 1; n <= PER_CHANNEL; n++) {
        for (int c = 0; c < CHANNELS; c++) {
          publisher.send(new JsonObject().put("op", "publish").put("channel", "resume.c" + c)
              .put("data", new JsonObject().put("n", n)).put("id", ++sent));
        }
        if (n == PER_CHANNEL / 2) {
          // the stream is flowing through edge1 when it dies: each subscriber has had its first message
          for (Map.Entry<String, WsClient> s : subscribers.entrySet()) {
            received.get(s.getKey()).add(s.getValue().nextMessage().getLong("offset"));
          }
          cluster.process("edge1").kill();
        }
      }
      for (int i = 0; i < sent; i++) {
        JsonObject reply = publisher.next();
        int n = (reply.getInteger("id") - 1) / CHANNELS + 1;
        if (reply.containsKey("error")) {
          refused.add(reply.encode());
          if ("unknown".equals(reply.getJsonObject("error").getString("stored"))) {
            unknown.computeIfAbsent("resume.c" + (reply.getInteger("id") - 1) % CHANNELS, k -> new ArrayList<>()).add(n);
          }
          continue;
        }
        JsonObject result = reply.getJsonObject("result");
        Integer previous = acknowledged.computeIfAbsent(result.getString("channel"), k -> new HashMap<>())
            .put(result.getLong("offset"), n);
        assertEquals(null, previous, "offset acknowledged twice: " + reply.encode());
      }
    }

    for (int c = 0; c < CHANNELS; c++) {
      String channel = "resume.c" + c;
      WsClient old = subscribers.get(channel);
      // whatever the victim managed to send before dying still counts; then the connection is gone
      for (String frame = old.poll(0); frame != null; frame = old.poll(0)) {
        JsonObject m = new JsonObject(frame);
        if ("message".equals(m.getString("type"))) {
          received.get(channel).add(m.getLong("offset"));
        }
      }
      old.awaitClose();
      List<Long> got = received.get(channel);
      long last = got.get(got.size() - 1);
      try (WsClient resumed = cluster.edge("edge2")) {
        JsonObject result = resumed.request(new JsonObject().put("op", "subscribe").put("channel", channel)
            .put("since", new JsonObject().put("epoch", epochs.get(channel)).put("offset", last)))
            .getJsonObject("result");
        assertTrue(result.getBoolean("recovered"), channel + ": " + result.encode());
        long latest = result.getLong("offset");
        while (last < latest) {
          JsonObject m = resumed.nextMessage();
          got.add(m.getLong("offset"));
          Integer n = m.getJsonObject("data").getInteger("n");
          Integer acked = acknowledged.get(channel).get(m.getLong("offset"));
          if (acked == null) {
            assertTrue(unknown.getOrDefault(channel, List.of()).contains(n),
                channel + ": only a publish of unknown outcome is stored unacknowledged: " + m.encode());
          } else {
            assertEquals(acked, n, channel + ": the message stored at an offset is the one acknowledged with it: "
                + m.encode());
          }
          last = m.getLong("offset");
        }
      }
      List<Long> acks = new ArrayList<>(acknowledged.get(channel).keySet());
      acks.sort(null);
      List<Long> gotAcked = got.stream().filter(acknowledged.get(channel)::containsKey).toList();
      assertEquals(acks, gotAcked,
          channel + ": every acknowledged message received once, in order; refused: " + refused);
      assertEquals(got.stream().distinct().count(), (long) got.size(), channel + ": no offset twice: " + got);
    }
    assertTrue(refused.size() < CHANNELS * PER_CHANNEL / 10, "most publishes survive the failover: " + refused);
    System.out.println("ResumeIT: " + refused.size() + " of " + CHANNELS * PER_CHANNEL
        + " publishes refused during the failover" + (refused.isEmpty() ? "" : ", first: " + refused.get(0)));
  }
}
