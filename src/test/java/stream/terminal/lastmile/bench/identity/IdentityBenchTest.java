package stream.terminal.lastmile.bench.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.terminal.lastmile.config.ConfigLoader;
import stream.terminal.lastmile.config.GatewayConfig;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.config.PerIpRates;
import stream.terminal.lastmile.support.Keys;

class IdentityBenchTest {
  @Test
  void optionsHaveDefaultsAndTakeOverrides() {
    IdentityBench.Options defaults = IdentityBench.parse(new String[0]);
    assertEquals(2000, defaults.connections());
    assertEquals(3, defaults.rounds());
    IdentityBench.Options options = IdentityBench.parse(new String[] {"--connections", "50", "--server-cpus", "2-3"});
    assertEquals(50, options.connections());
    assertEquals("2-3", options.serverCpus());
  }

  @Test
  void badOptionsAreRefusedWithTheirName() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> IdentityBench.parse(new String[] {"--connections"}))
        .getMessage().contains("--connections needs a value"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> IdentityBench.parse(new String[] {"--bogus", "1"}))
        .getMessage().contains("unknown option --bogus"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> IdentityBench.parse(new String[] {"--rounds", "0"}))
        .getMessage().contains("--rounds needs an integer from 1"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> IdentityBench.parse(new String[] {"--sources", "300"}))
        .getMessage().contains("--sources"));
  }

  /** The node's configuration is one the gateway accepts, with the identity and the limits the benchmark needs. */
  @Test
  void theNodeConfigurationLoads(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.yaml");
    Files.writeString(file, BenchNode.yaml(new BenchNode.Identity("http://127.0.0.1:9/bench", Keys.hash(Keys.apiKey()),
        Keys.spki(Keys.ed25519()), Keys.spki(Keys.p256())), 19001, 19002));
    GatewayConfig config = ConfigLoader.load(file, Map.of());
    assertEquals("http://127.0.0.1:9/bench", config.identity().oidc().issuer());
    assertEquals(List.of(BenchNode.API_KEY_ID), config.identity().apiKeys().stream().map(k -> k.id()).toList());
    assertEquals(List.of(BenchNode.ED25519_KID, BenchNode.P256_KID),
        config.identity().publicKeys().stream().map(k -> k.id()).toList());
    assertEquals(List.of(BenchNode.CONNECT_CHANNEL), config.declaredChannels());
    for (ListenerConfig listener : config.listeners()) {
      assertEquals(PerIpRates.NONE, listener.limits().perIp(), listener.name());
      assertEquals(0, listener.limits().maxConnectionsPerIp(), listener.name());
      assertEquals(0, listener.limits().commandsPerSecond(), listener.name());
    }
  }
}
