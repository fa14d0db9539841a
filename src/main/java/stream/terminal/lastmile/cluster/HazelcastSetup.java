package stream.terminal.lastmile.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SerializerConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.io.FileNotFoundException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import stream.terminal.lastmile.config.ClusterConfig;
import stream.terminal.lastmile.config.ConfigException;

/**
 * The Hazelcast configuration of a member: a base file (conf/cluster.xml, or the one Vert.x ships) with the
 * options of last-mile.yaml's {@code cluster} section on top, so an operator can tune Hazelcast without the
 * network settings drifting from the gateway's own.
 */
public final class HazelcastSetup {
  private HazelcastSetup() {}

  public static Config build(ClusterConfig cluster) {
    Config config = base(cluster);
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.wait.seconds.before.join", String.valueOf(cluster.joinWaitSeconds()));
    // no shutdown hook of its own: the node leaves the cluster after its clients have been told
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // a write whose backup does not confirm within hazelcast.operation.backup.timeout.millis fails with
    // IndeterminateOperationStateException instead of succeeding with the primary's copy alone, and a write whose
    // member left is not run again: an acknowledgement means both copies have it (docs/operations.md, "Consistency")
    config.setProperty("hazelcast.operation.fail.on.indeterminate.state", "true");

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    if (cluster.publicHost() != null) {
      network.setPublicAddress(cluster.publicHost() + ":" + cluster.port());
    }
    // bind and announce the address the operator named, never an interface Hazelcast would pick
    config.setProperty("hazelcast.socket.bind.any", "false");
    network.getInterfaces().setEnabled(true).setInterfaces(java.util.List.of(ip(cluster.host())));

    // a member list means TCP-IP join; an empty one keeps the file's <join> (multicast, Kubernetes, ...)
    if (!cluster.members().isEmpty()) {
      JoinConfig join = network.getJoin();
      join.getMulticastConfig().setEnabled(false);
      join.getAutoDetectionConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    }

    if (!config.getMapConfigs().containsKey(HazelcastChannelRegistry.MAP)) {
      config.addMapConfig(new MapConfig(HazelcastChannelRegistry.MAP).setBackupCount(1));
    }
    // idempotency claims: a claim must survive its owner's loss, or two nodes could both store one key
    if (!config.getMapConfigs().containsKey(KeyClaims.MAP)) {
      config.addMapConfig(new MapConfig(KeyClaims.MAP).setBackupCount(1).setAsyncBackupCount(0));
    }
    Quorum.configure(config, cluster.minMembers());
    // ringbuffer items as their fields, not Java serialization's stream header and class descriptor per item
    config.getSerializationConfig().addSerializerConfig(
        new SerializerConfig().setImplementation(new StoredSerializer()).setTypeClass(Stored.class));
    return config;
  }

  private static Config base(ClusterConfig cluster) {
    if (cluster.hazelcastConfig() == null) {
      return ConfigUtil.loadConfig();
    }
    try {
      return Config.loadFromFile(new java.io.File(cluster.hazelcastConfig()));
    } catch (FileNotFoundException e) {
      throw ConfigException.at("cluster.hazelcast_config", "no such file: " + cluster.hazelcastConfig());
    } catch (RuntimeException e) {
      throw ConfigException.at("cluster.hazelcast_config", "not a valid Hazelcast file: " + e.getMessage());
    }
  }

  private static String ip(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw ConfigException.at("cluster.host", "cannot resolve '" + host + "'");
    }
  }
}
