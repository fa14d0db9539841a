package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.terminal.lastmile.support.ClusterNodes;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.WsClient;

/**
 * Exactly once across the loss of the storing node, in three JVMs (what the in-process IdempotentClusterTest
 * cannot do: a real SIGKILL, with the node's claims, stores and backlog primaries dying with it). A publisher
 * streams keyed messages to ingest1, which is SIGKILLed while its stores are in flight; the publisher then
 * retries every key on ingest2, as the client library does. Each message must end in the backlogs exactly once,
 * and every answer for a key (ingest1's acknowledgement, ingest2's answer, duplicate or not) must name the
 * position it is stored at.
 */
class IdempotentFailoverIT {
  private static final int CHANNELS = 10;
  private static final int MESSAGES = 200;

  @TempDir static Path dir;
  private static ClusterNodes cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ClusterNodes(dir, List.of("ingest1", "ingest2", "edge"));
    cluster.start("ingest1", "ingest");
    cluster.start("ingest2", "ingest");
    cluster.start("edge", "edge");
    cluster.awaitReady();
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static String channel(int n) {
    return "once.c" + n % CHANNELS;
  }

  private static JsonObject publish(int n) {
    return new JsonObject().put("op", "publish").put("channel", channel(n))
        .put("data", new JsonObject().put("n", n)).put("idempotency_key", "m-" + n).put("id", n);
  }

  @Test
  void retriesOnAnotherNodeAfterTheStoringNodeIsKilledStoreEveryMessageOnce() throws Exception {
    for (int c = 0; c < CHANNELS; c++) {
      assertEquals(201, Http.put(cluster.port("ingest2", "private"), "/channels/once.c" + c).status());
    }
    Map<Integer, JsonObject> answers = new HashMap<>();
    try (WsClient first = cluster.ingest("ingest1")) {
      for (int n = 1; n <= MESSAGES; n++) {
        first.send(publish(n));
      }
      // stores are flowing when it dies: it has answered one
      JsonObject reply = first.next();
      cluster.process("ingest1").kill();
      for (String frame = reply.encode(); frame != null; frame = first.isClosed() ? first.poll(0) : first.poll(2000)) {
        JsonObject r = new JsonObject(frame);
        if (r.containsKey("result")) {
          answers.put(r.getInteger("id"), r.getJsonObject("result"));
        }
      }
    }
    int acknowledgedBeforeKill = answers.size();

    int duplicates = 0;
    try (Retrier retry = new Retrier()) {
      for (int n = 1; n <= MESSAGES; n++) {
        JsonObject result = retry.until(n);
        JsonObject earlier = answers.put(n, result);
        if (earlier != null) {
          assertEquals(earlier.getLong("offset"), result.getLong("offset"), "one position per key: " + result.encode());
          assertEquals(earlier.getString("epoch"), result.getString("epoch"));
        }
        duplicates += result.getBoolean("duplicate", false) ? 1 : 0;
      }
    }
    assertTrue(duplicates >= acknowledgedBeforeKill, "every acknowledged key is a duplicate on retry");

    for (int c = 0; c < CHANNELS; c++) {
      JsonArray stored = Http.get(cluster.port("ingest2", "private"), "/channels/once.c" + c + "/messages?since=0")
          .json().getJsonArray("messages");
      Map<Integer, Integer> copies = new HashMap<>();
      for (int i = 0; i < stored.size(); i++) {
        JsonObject m = stored.getJsonObject(i);
        int n = m.getJsonObject("data").getInteger("n");
        copies.merge(n, 1, Integer::sum);
        assertEquals(answers.get(n).getLong("offset"), m.getLong("offset"), "stored where its answers say: " + n);
      }
      assertEquals(MESSAGES / CHANNELS, copies.size(), "every message of once.c" + c + " stored: " + copies);
      assertTrue(copies.values().stream().allMatch(k -> k == 1), "each once: " + copies);
    }
    System.out.println("IdempotentFailoverIT: " + acknowledgedBeforeKill + " of " + MESSAGES
        + " acknowledged before the kill, " + duplicates + " retries answered as duplicates");
  }

  /**
   * Publishes one key at a time to ingest2 until each has an answer, as the client library does: while ingest1 is
   * still a member its claims wait for it, and the answer is {@code unavailable}, stored unknown; once it is gone
   * they are settled. A store to a partition whose owner died waits for Hazelcast to promote its backup: up to a
   * minute per attempt. A connection the node closes (it lost its quorum for a moment on a loaded machine and
   * sent its clients elsewhere: 4000) is opened again, and the key sent again.
   */
  private static final class Retrier implements AutoCloseable {
    private WsClient ws;

    JsonObject until(int n) {
      JsonObject[] result = new JsonObject[1];
      Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).until(() -> {
        if (ws == null || ws.isClosed()) {
          if (ws != null) {
            System.out.println("IdempotentFailoverIT: ingest2 closed the connection (" + ws.awaitClose()
                + "), opening another");
          }
          close();
          ws = cluster.ingest("ingest2");
        }
        ws.send(publish(n));
        JsonObject reply = replyTo(n);
        if (reply == null) {
          return false; // closed before it answered
        }
        if (reply.containsKey("error")) {
          // unavailable: stored unknown; internal: "not confirmed", a store the lost member took part in
          assertTrue(List.of("unavailable", "internal").contains(reply.getJsonObject("error").getString("code")),
              reply.encode());
          return false;
        }
        result[0] = reply.getJsonObject("result");
        return true;
      });
      return result[0];
    }

    /** The reply to publish {@code id}, or null if the node closed the connection first. */
    private JsonObject replyTo(int id) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        String frame = ws.poll(1000);
        if (frame != null && Integer.valueOf(id).equals(new JsonObject(frame).getInteger("id"))) {
          return new JsonObject(frame);
        }
        if (frame == null && ws.isClosed()) {
          return null;
        }
      }
      throw new AssertionError("no answer to publish " + id + " within 60 s; ingest2's warnings:\n"
          + warnings(cluster.process("ingest2").output()));
    }

    @Override
    public void close() {
      if (ws != null) {
        ws.close();
      }
    }
  }

  private static String warnings(String log) {
    String found = log.lines().filter(l -> !l.contains("HealthMonitor") && (l.contains("WARN") || l.contains("SEVERE")
        || l.contains("Exception") || l.contains("Members {"))).collect(java.util.stream.Collectors.joining("\n"));
    return found.substring(Math.max(0, found.length() - 12000));
  }
}
