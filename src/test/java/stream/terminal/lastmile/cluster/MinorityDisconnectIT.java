package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.LoopbackNet;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * Two clustered nodes in one JVM (127.0.0.36-37) with {@code min_members: 2}, split by iptables: neither side has
 * its quorum. Beyond MinorityIT (the registry's refusals), this checks what a node's clients see: the subscriber
 * is told to go elsewhere (disconnect 4000, reconnect), a publisher gets {@code unavailable} (HTTP 503), and
 * {@code /ready} answers 503, within seconds of the cut and without waiting for Hazelcast to remove a member.
 */
class MinorityDisconnectIT {
  private static final List<String> IPS = List.of("127.0.0.36", "127.0.0.37");

  private final LoopbackNet net = new LoopbackNet("MINDISC");
  private final List<TestGateway> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    try {
      // whole again first: a member leaving gracefully hands its data to the others
      net.heal();
      for (TestGateway node : nodes) {
        node.close();
      }
    } finally {
      net.close();
    }
  }

  @Test
  void aNodeWithoutItsQuorumSendsItsClientsElsewhere() throws Exception {
    JsonArray members = new JsonArray();
    List<Integer> ports = new ArrayList<>();
    for (String ip : IPS) {
      net.address(ip);
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
        ports.add(socket.getLocalPort());
      }
      members.add(ip + ":" + ports.get(ports.size() - 1));
    }
    String name = "mindisc-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    for (int i = 0; i < IPS.size(); i++) {
      TestGateway node = new TestGateway();
      node.config().put("cluster", new JsonObject().put("enabled", true).put("name", name).put("host", IPS.get(i))
          .put("port", ports.get(i)).put("members", members.copy()).put("min_members", 2)
          .put("join_wait_seconds", 0));
      nodes.add(node);
    }
    var starts = nodes.stream().map(TestGateway::startAsync).toList();
    for (var start : starts) {
      start.await(60, TimeUnit.SECONDS);
    }
    TestGateway node = nodes.get(1);
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> Http.get(node.ingestPort(), "/ready").status() == 200);
    assertEquals(201, Http.put(node.ingestPort(), "/channels/split").status());
    WsClient subscriber = node.edge();
    assertResult(subscriber.request("subscribe", "split"));

    net.cut(IPS.get(0), IPS.get(1));
    JsonObject notice = subscriber.next();
    assertEquals("disconnect", notice.getString("type"), notice.encode());
    assertEquals(4000, notice.getInteger("code"));
    assertTrue(notice.getBoolean("reconnect"));
    assertEquals(4000, subscriber.awaitClose());
    assertEquals(503, Http.get(node.ingestPort(), "/ready").status());
    Http.Reply refused = Http.post(node.ingestPort(), "/channels/split/messages", "{\"n\":1}");
    assertEquals(503, refused.status(), refused.body());
    assertEquals("unavailable", refused.json().getJsonObject("error").getString("code"), refused.body());
  }
}
