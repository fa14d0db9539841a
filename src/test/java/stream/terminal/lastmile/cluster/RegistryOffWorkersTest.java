package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.ClusterNodes;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * A one-member cluster in this JVM whose every worker thread is busy (a storm of slow blocking work): clients'
 * registry reads still get their answers, because they wait on Hazelcast's asynchronous calls, not on a worker.
 */
class RegistryOffWorkersTest {
  /** Vert.x's default worker pool; twice as many tasks are queued, so that every worker is surely taken. */
  private static final int WORKERS = 20;

  @Test
  void historyAndChannelReadsNeedNoWorkerThread() throws Exception {
    int port = ClusterNodes.memberPort();
    TestGateway gateway = new TestGateway();
    gateway.config().put("cluster", new JsonObject().put("enabled", true)
        .put("name", "off-workers-" + ProcessHandle.current().pid() + "-" + System.nanoTime())
        .put("host", "127.0.0.1").put("port", port).put("members", new JsonArray().add("127.0.0.1:" + port))
        .put("join_wait_seconds", 0));
    gateway.start();
    CountDownLatch release = new CountDownLatch(1);
    try (WsClient publisher = gateway.ingest(); WsClient reader = gateway.edge()) {
      assertResult(publisher.request("create", "off.workers"));
      assertResult(publisher.request(new JsonObject().put("op", "publish").put("channel", "off.workers")
          .put("data", 1)));
      Vertx node = gateway.node().vertx();
      CountDownLatch busy = new CountDownLatch(WORKERS);
      for (int i = 0; i < 2 * WORKERS; i++) {
        node.executeBlocking(() -> {
          busy.countDown();
          return release.await(60, TimeUnit.SECONDS);
        }, false);
      }
      assertTrue(busy.await(10, TimeUnit.SECONDS), "every worker is taken");
      // both wait on the registry: with a worker per call they would wait for the storm to end
      assertResult(reader.request("history", "off.workers"));
      assertResult(publisher.request(new JsonObject().put("op", "publish").put("channel", "off.workers")
          .put("data", 2)));
    } finally {
      release.countDown();
      gateway.close();
    }
  }
}
