package stream.terminal.lastmile.bench.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.terminal.lastmile.bench.Figures;
import stream.terminal.lastmile.config.ConfigLoader;
import stream.terminal.lastmile.config.GatewayConfig;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.config.PerIpRates;
import stream.terminal.lastmile.sdk.ClientOptions;
import stream.terminal.lastmile.support.TestGateway;

/** The gRPC benchmark's options, its node's configuration, and one small round of every variant on a real node. */
class GrpcBenchTest {
  private final TestGateway gateway = new TestGateway();

  @AfterEach
  void stop() throws Exception {
    gateway.close();
  }

  @Test
  void optionsHaveDefaultsAndTakeOverrides() {
    GrpcBench.Options defaults = GrpcBench.parse(new String[0]);
    assertEquals(40000, defaults.publishes());
    assertEquals(64, defaults.inFlight());
    assertEquals(64, defaults.window());
    assertEquals(2, defaults.warmups());
    assertEquals(3, defaults.rounds());
    GrpcBench.Options options = GrpcBench.parse(new String[] {"--publishes", "50", "--server-cpus", "2-3"});
    assertEquals(50, options.publishes());
    assertEquals("2-3", options.serverCpus());
  }

  @Test
  void badOptionsAreRefusedWithTheirName() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> GrpcBench.parse(new String[] {"--window"}))
        .getMessage().contains("--window needs a value"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> GrpcBench.parse(new String[] {"--bogus", "1"}))
        .getMessage().contains("unknown option --bogus"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> GrpcBench.parse(new String[] {"--rounds", "0"}))
        .getMessage().contains("--rounds needs an integer from 1"));
  }

  /** The node's configuration is one the gateway accepts: gRPC with the window, the demo's types, no limits. */
  @Test
  void theNodeConfigurationLoads(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.yaml");
    Files.writeString(file, GrpcBenchNode.yaml(19001, 19002, 32, GrpcBenchNode.DEMO_TYPES.toString()));
    GatewayConfig config = ConfigLoader.load(file, Map.of());
    ListenerConfig ingest = config.listeners().get(1);
    assertTrue(ingest.grpc());
    assertEquals(32, ingest.grpcWindow());
    assertTrue(config.protobuf().files().stream().anyMatch(f -> f.getPackage().equals("lastmile.demo")));
    for (ListenerConfig listener : config.listeners()) {
      assertEquals(PerIpRates.NONE, listener.limits().perIp(), listener.name());
      assertEquals(0, listener.limits().commandsPerSecond(), listener.name());
    }
  }

  @Test
  void payloadsAreTheSameDocumentsInBothForms() {
    Payloads payloads = Payloads.of(3, 1);
    assertEquals(2, new JsonObject(payloads.json().get(1)).getInteger("tick"));
    assertEquals(new JsonObject(payloads.json().get(1)).getDouble("price"), payloads.points().get(1).getPrice());
    assertTrue(payloads.meanJsonBytes() > payloads.meanProtobufBytes());
  }

  /** Each variant's round ends only when all its publishes are acknowledged and delivered to the subscriber. */
  @Test
  void everyVariantCompletesARoundOnARealNode() throws Exception {
    gateway.listenerConfig("private").put("grpc", true);
    gateway.config().put("protobuf",
        new JsonObject().put("descriptor_sets", new JsonArray().add(GrpcBenchNode.DEMO_TYPES.toString())));
    gateway.start();
    Payloads payloads = Payloads.of(300, 5);
    ClientOptions client = new ClientOptions().host("127.0.0.1").port(gateway.ingestPort()).streamWindow(16);
    long pid = ProcessHandle.current().pid();
    Map<String, Publishes.Way> ways = GrpcBench.ways(gateway.clients(), gateway.ingestPort(), payloads, 16);
    assertEquals(5, ways.size());
    for (Map.Entry<String, Publishes.Way> way : ways.entrySet()) {
      String channel = "bench.test." + way.getKey().replaceAll("[^A-Za-z0-9]+", "-");
      Figures figures = new PublishRun(gateway.clients(), client, gateway.edgePort())
          .run(channel, way.getValue(), payloads.size(), 16, pid);
      assertTrue(figures.perSecond() > 0 && figures.p99Micros() >= figures.p50Micros(), way.getKey() + ": " + figures);
    }
    assertTrue(GrpcBench.table(Map.of(GrpcBench.HTTP, new Figures(1000, 500, 900, 20))).contains("| HTTP publish"));
  }
}
