package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import stream.terminal.lastmile.support.ClusterNodes;
import stream.terminal.lastmile.support.GatewayProcess;
import stream.terminal.lastmile.core.Signed;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.Signing;
import stream.terminal.lastmile.support.WsClient;

/**
 * A real cluster of separate JVMs (the packaged jar) on 127.0.0.1: two ingest nodes, two edge nodes, and a third
 * edge that joins later. The last tests take nodes away (SIGTERM, then SIGKILL), so the order is fixed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  @TempDir static Path dir;
  private static ClusterNodes cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ClusterNodes(dir, List.of("ingest1", "ingest2", "edge1", "edge2", "edge3"));
    cluster.start("ingest1", "ingest");
    cluster.start("ingest2", "ingest");
    cluster.start("edge1", "edge");
    cluster.start("edge2", "edge");
    cluster.awaitReady();
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static int http(String node) {
    return cluster.port(node, "private");
  }

  private static JsonObject publish(String channel, int n) {
    return new JsonObject().put("op", "publish").put("channel", channel).put("data", new JsonObject().put("n", n));
  }

  private static void assertReceivesInOrder(WsClient subscriber, int from, int to) throws InterruptedException {
    for (int i = from; i <= to; i++) {
      JsonObject m = subscriber.nextMessage();
      assertEquals(i, m.getLong("offset"), m.encode());
      assertEquals(i, m.getJsonObject("data").getInteger("n"), m.encode());
    }
  }

  @Test
  @Order(1)
  void aMessagePublishedOnAnyIngestReachesEverySubscriberOnEveryEdgeOnceInOrder() throws Exception {
    assertEquals(201, Http.put(http("ingest1"), "/channels/it.fanout").status());
    try (WsClient a = cluster.edge("edge1"); WsClient b = cluster.edge("edge1"); WsClient c = cluster.edge("edge2");
        WsClient publisher = cluster.ingest("ingest2")) {
      for (WsClient s : List.of(a, b, c)) {
        assertResult(s.request("subscribe", "it.fanout"));
      }
      for (int i = 1; i <= 300; i++) {
        publisher.send(publish("it.fanout", i));
      }
      for (WsClient s : List.of(a, b, c)) {
        assertReceivesInOrder(s, 1, 300);
      }
      // one more through the other ingest node: it follows at once, so nothing was delivered twice
      assertEquals(301, Http.post(http("ingest1"), "/channels/it.fanout/messages", "{\"n\":301}").json()
          .getLong("offset"));
      for (WsClient s : List.of(a, b, c)) {
        assertReceivesInOrder(s, 301, 301);
      }
    }
  }

  @Test
  @Order(1)
  void aSignedMessageCrossesNodesAndTheClusteredBacklogWithItsSignature() throws Exception {
    assertEquals(201, Http.put(http("ingest1"), "/channels/it.signed").status());
    String data = "{\"n\":1}";
    long ts = System.currentTimeMillis() - 1_234;
    Signed signed = Signing.sign("it.signed", data, ts);
    try (WsClient subscriber = cluster.edge("edge2"); WsClient publisher = cluster.ingest("ingest2")) {
      assertResult(subscriber.request("subscribe", "it.signed"));
      assertResult(publisher.request(new JsonObject().put("op", "publish").put("channel", "it.signed")
          .put("data", new JsonObject(data)).put("ts", ts)
          .put("kid", signed.signature().kid()).put("sig", signed.signature().sig())));
      assertSigned(signed, subscriber.nextMessage());
    }
    // read back through the other ingest node: the stored message comes out of the ringbuffer's owner
    Http.Reply history = Http.get(http("ingest1"), "/channels/it.signed/messages");
    assertEquals(200, history.status(), history.body());
    assertSigned(signed, history.json().getJsonArray("messages").getJsonObject(0));
  }

  private static void assertSigned(Signed signed, JsonObject message) {
    assertEquals(signed.signature().kid(), message.getString("kid"), message.encode());
    assertEquals(signed.signature().sig(), message.getString("sig"), message.encode());
    assertEquals(signed.ts(), message.getLong("ts"), message.encode());
  }

  @Test
  @Order(2)
  void racingCreatesOnTwoNodesGiveOneCreatedAndOneExists() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int i = 0; i < 20; i++) {
        String path = "/channels/it.race" + i;
        List<Future<Integer>> statuses = pool.invokeAll(List.<Callable<Integer>>of(
            () -> Http.put(http("ingest1"), path).status(),
            () -> Http.put(http("ingest2"), path).status()));
        List<Integer> got = new ArrayList<>();
        for (Future<Integer> s : statuses) {
          got.add(s.get());
        }
        got.sort(null);
        assertEquals(List.of(201, 409), got, path);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Order(3)
  void offsetsStayUniqueAndGapFreeWhicheverIngestPublishes() throws Exception {
    assertEquals(201, Http.put(http("ingest1"), "/channels/it.offsets").status());
    try (WsClient subscriber = cluster.edge("edge2"); WsClient p1 = cluster.ingest("ingest1"); WsClient p2 = cluster.ingest("ingest2")) {
      assertResult(subscriber.request("subscribe", "it.offsets"));
      int each = 200;
      for (int i = 0; i < each; i++) {
        p1.send(publish("it.offsets", i));
        p2.send(publish("it.offsets", i));
      }
      Set<Long> acknowledged = new HashSet<>();
      for (WsClient p : List.of(p1, p2)) {
        for (int i = 0; i < each; i++) {
          JsonObject reply = p.next();
          assertTrue(acknowledged.add(reply.getJsonObject("result").getLong("offset")), reply.encode());
        }
      }
      Set<Long> received = new HashSet<>();
      for (int i = 0; i < 2 * each; i++) {
        assertTrue(received.add(subscriber.nextMessage().getLong("offset")), "no offset delivered twice");
      }
      Set<Long> all = new HashSet<>();
      for (long o = 1; o <= 2 * each; o++) {
        all.add(o);
      }
      assertEquals(all, acknowledged);
      assertEquals(all, received);
    }
  }

  @Test
  @Order(4)
  void aJoiningEdgeServesOnceReadyAndAGracefulLeaverTellsItsClientsToReconnect() throws Exception {
    GatewayProcess edge3 = cluster.start("edge3", "edge");
    cluster.awaitReady();
    assertEquals(200, Http.get(cluster.port("edge3", "ops"), "/ready").status());
    assertEquals(201, Http.put(http("ingest1"), "/channels/it.join").status());
    try (WsClient late = cluster.edge("edge3"); WsClient publisherOnLeaver = cluster.ingest("ingest2")) {
      assertResult(late.request("subscribe", "it.join"));
      assertEquals(1, Http.post(http("ingest1"), "/channels/it.join/messages", "{\"n\":1}").json().getLong("offset"));
      assertReceivesInOrder(late, 1, 1);

      cluster.process("ingest2").terminate();
      JsonObject notice = publisherOnLeaver.next();
      assertEquals("disconnect", notice.getString("type"), notice.encode());
      assertEquals(4000, notice.getInteger("code"));
      assertTrue(notice.getBoolean("reconnect"));
      assertEquals(143, cluster.process("ingest2").awaitExit(30));
      // the rest of the cluster goes on: the leaver's channels and sequences are intact
      assertEquals(2, Http.post(http("ingest1"), "/channels/it.join/messages", "{\"n\":2}").json().getLong("offset"));
      assertReceivesInOrder(late, 2, 2);
    }
    assertTrue(edge3.output().contains("last-mile ready"));
  }

  @Test
  @Order(5)
  void killingAnEdgeUnderLoadCostsTheOtherEdgesNothing() throws Exception {
    assertEquals(201, Http.put(http("ingest1"), "/channels/it.kill").status());
    try (WsClient survivor = cluster.edge("edge2"); WsClient victim = cluster.edge("edge1"); WsClient publisher = cluster.ingest("ingest1")) {
      assertResult(survivor.request("subscribe", "it.kill"));
      assertResult(victim.request("subscribe", "it.kill"));
      int total = 400;
      for (int i = 1; i <= total; i++) {
        publisher.send(publish("it.kill", i));
        if (i == total / 2) {
          assertReceivesInOrder(victim, 1, 1); // the stream is flowing through the victim when it dies
          cluster.process("edge1").kill();
        }
      }
      for (int i = 1; i <= total; i++) {
        JsonObject reply = publisher.next();
        assertEquals(i, reply.getJsonObject("result").getLong("offset"), "every publish acknowledged: " + reply);
      }
      assertReceivesInOrder(survivor, 1, total);
      victim.awaitClose();

      // the victim's client reconnects to a surviving edge and subscribes again
      try (WsClient reconnected = cluster.edge("edge3")) {
        assertResult(reconnected.request("subscribe", "it.kill"));
        assertEquals(total + 1,
            Http.post(http("ingest1"), "/channels/it.kill/messages", "{\"n\":" + (total + 1) + "}").json().getLong("offset"));
        assertReceivesInOrder(reconnected, total + 1, total + 1);
        assertReceivesInOrder(survivor, total + 1, total + 1);
      }
    }
  }
}
