package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import com.hazelcast.splitbrainprotection.impl.RecentlyActiveSplitBrainProtectionFunction;
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
  }

  @Test
  void writesNeedTheQuorumAndABackupThatConfirms() {
    Config config = HazelcastSetup.build(new ClusterConfig(true, "c1", "127.0.0.1", null, 5801,
        List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"), 0, null, 0, null));
    SplitBrainProtectionConfig quorum = config.getSplitBrainProtectionConfig(Quorum.NAME);
    assertTrue(quorum.isEnabled());
    assertEquals(2, quorum.getMinimumClusterSize(), "a majority of three");
    assertEquals(SplitBrainProtectionOn.WRITE, quorum.getProtectOn());
    assertTrue(quorum.getFunctionImplementation() instanceof RecentlyActiveSplitBrainProtectionFunction);
    assertEquals(Quorum.NAME, config.getMapConfig(HazelcastChannelRegistry.MAP).getSplitBrainProtectionName());
    assertEquals(Quorum.NAME, config.getMapConfig("lastmile.idempotency").getSplitBrainProtectionName());
    assertEquals("true", config.getProperty("hazelcast.operation.fail.on.indeterminate.state"));
    assertEquals("1", config.getProperty("hazelcast.heartbeat.interval.seconds"));
  }

  @Test
  void aQuorumOfOneProtectsNothing() {
    Config config = HazelcastSetup.build(cluster(List.of("127.0.0.1:5801", "127.0.0.1:5802"), null));
    assertEquals(null, Quorum.nameIn(config));
    assertEquals(null, config.getMapConfig(HazelcastChannelRegistry.MAP).getSplitBrainProtectionName());
    assertEquals("true", config.getProperty("hazelcast.operation.fail.on.indeterminate.state"));
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
  }
}
