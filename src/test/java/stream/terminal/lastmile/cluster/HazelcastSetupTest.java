package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.terminal.lastmile.config.ClusterConfig;

/** The Hazelcast configuration a member starts with, built in memory: no member is started. */
class HazelcastSetupTest {
  private static ClusterConfig cluster(List<String> members, String file) {
    return new ClusterConfig(true, "c1", "127.0.0.1", "10.9.8.7", 5801, members, 0, file, 0, null);
  }

  @Test
  void theYamlSectionDecidesNameAddressAndTcpIpJoin() {
    Config config = HazelcastSetup.build(cluster(List.of("127.0.0.1:5801", "127.0.0.1:5802"), null));
    assertEquals("c1", config.getClusterName());
    assertEquals(5801, config.getNetworkConfig().getPort());
    assertFalse(config.getNetworkConfig().isPortAutoIncrement());
    assertEquals("10.9.8.7:5801", config.getNetworkConfig().getPublicAddress());
    assertEquals(List.of("127.0.0.1"), List.copyOf(config.getNetworkConfig().getInterfaces().getInterfaces()));
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of("127.0.0.1:5801", "127.0.0.1:5802"), join.getTcpIpConfig().getMembers());
    assertFalse(join.getMulticastConfig().isEnabled());
    // the maps Vert.x needs and ours, each with a backup copy
    assertEquals(1, config.getMultiMapConfig("__vertx.subs").getBackupCount());
    assertEquals(1, config.getMapConfig(HazelcastChannelRegistry.MAP).getBackupCount());
    // declared, not Hazelcast's default for any map: idempotency claims with one synchronous backup
    assertEquals(1, config.getMapConfigs().get(KeyClaims.MAP).getBackupCount());
    assertEquals(0, config.getMapConfigs().get(KeyClaims.MAP).getAsyncBackupCount());
  }

  @Test
  void anEmptyMemberListKeepsTheFilesJoinMethod(@TempDir Path dir) throws Exception {
    Path xml = dir.resolve("hz.xml");
    Files.writeString(xml, """
        <hazelcast xmlns="http://www.hazelcast.com/schema/config">
          <network><join>
            <auto-detection enabled="false"/>
            <tcp-ip enabled="false"/>
            <multicast enabled="true"><multicast-group>224.2.2.3</multicast-group></multicast>
          </join></network>
        </hazelcast>
        """);
    JoinConfig join = HazelcastSetup.build(cluster(List.of(), xml.toString())).getNetworkConfig().getJoin();
    assertTrue(join.getMulticastConfig().isEnabled());
    assertFalse(join.getTcpIpConfig().isEnabled());
  }

  @Test
  void theShippedClusterFileCarriesTheStructuresWithBackups() {
    Config config = HazelcastSetup.build(cluster(List.of("127.0.0.1"), "conf/cluster.xml"));
    assertEquals(1, config.getMultiMapConfig("__vertx.subs").getBackupCount());
    assertEquals(1, config.getMapConfig("__vertx.haInfo").getBackupCount());
    assertEquals(1, config.getMapConfig(HazelcastChannelRegistry.MAP).getBackupCount());
    // declared, not Hazelcast's default for any map: idempotency claims with one synchronous backup
    assertEquals(1, config.getMapConfigs().get(KeyClaims.MAP).getBackupCount());
    assertEquals(0, config.getMapConfigs().get(KeyClaims.MAP).getAsyncBackupCount());
  }
}
