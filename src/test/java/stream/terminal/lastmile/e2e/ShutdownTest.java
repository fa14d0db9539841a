package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.terminal.lastmile.support.GatewayProcess;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/** A stopping node tells every client to reconnect elsewhere before it closes, in-process and on SIGTERM. */
class ShutdownTest {
  private Vertx clients;

  @BeforeEach
  void setUp() {
    clients = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    clients.close().await();
  }

  private static void assertShutdownNotice(WsClient client) throws Exception {
    JsonObject notice = client.next();
    while (!"disconnect".equals(notice.getString("type"))) {
      notice = client.next();
    }
    assertEquals(4000, notice.getInteger("code"));
    assertTrue(notice.getBoolean("reconnect"));
    assertEquals(4000, client.awaitClose());
  }

  @Test
  void stopSendsADisconnectNoticeToEveryClient() throws Exception {
    TestGateway gateway = new TestGateway().start();
    try {
      WsClient publisher = WsClient.connect(clients, gateway.ingestPort());
      WsClient subscriber = WsClient.connect(clients, gateway.edgePort());
      publisher.request("create", "shutdown.c");
      assertResult(subscriber.request("subscribe", "shutdown.c"));
      gateway.node().stop().await(20, TimeUnit.SECONDS);
      assertShutdownNotice(subscriber);
      assertShutdownNotice(publisher);
    } finally {
      gateway.close();
    }
  }

  @Test
  void sigtermDrainsClientsAndExits(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(config, String.join("\n",
        "node: {edge_instances: 1, shutdown_grace_ms: 3000}",
        "listeners:",
        "  - {name: public, role: edge, host: 127.0.0.1, port: 0}",
        "  - {name: private, role: ingest, host: 127.0.0.1, port: 0}",
        ""));
    try (GatewayProcess process = GatewayProcess.start(config, Map.of())) {
      Map<String, Integer> ports = process.awaitReady();
      assertEquals(201, Http.put(ports.get("private"), "/channels/sigterm").status());
      WsClient subscriber = WsClient.connect(clients, ports.get("public"));
      assertResult(subscriber.request("subscribe", "sigterm"));
      assertEquals(200, Http.get(ports.get("private"), "/ready").status());

      process.terminate();
      assertShutdownNotice(subscriber);
      int status = process.awaitExit(20);
      assertEquals(143, status, process.output());
      assertTrue(process.output().contains("stopping"), process.output());
      assertFalse(process.output().contains("Exception"), process.output());
    }
  }

  @Test
  void unknownArgumentExitsWithUsage() throws Exception {
    try (GatewayProcess process = GatewayProcess.start(null, Map.of("LASTMILE_EDGE_PORT", "not-a-port"))) {
      assertEquals(2, process.awaitExit(30));
      List<String> lines = process.output().lines().toList();
      assertEquals(1, lines.size(), process.output());
      assertTrue(lines.get(0).startsWith("last-mile: invalid configuration: listeners[0].port"), lines.get(0));
      assertTrue(lines.get(0).contains("LASTMILE_EDGE_PORT"), lines.get(0));
    }
  }
}
