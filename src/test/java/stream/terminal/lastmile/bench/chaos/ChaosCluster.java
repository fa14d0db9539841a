package stream.terminal.lastmile.bench.chaos;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cluster.Member;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import stream.terminal.lastmile.support.ClusterNodes;
import stream.terminal.lastmile.support.GatewayProcess;
import stream.terminal.lastmile.support.Http;

/**
 * The gateway JVMs of one run (the packaged jar, started by {@link ClusterNodes}), each with its Hazelcast and
 * event bus on a loopback address of its own and running under a uid of its own, so that {@link FaultNetwork}
 * can cut it off. Their client listeners stay on 127.0.0.1: clients reach every node whatever the cut, as clients
 * on both sides of a real split do. Hazelcast is told to notice a silent member and to merge quickly.
 */
final class ChaosCluster implements AutoCloseable {
  private static final Pattern MEMBERS = Pattern.compile("Members \\{size:(\\d+)");
  /** A uid range no account uses; each run takes its own ten uids, after its pid, so two runs never share one. */
  private static final int UID_BASE = 1_000_000;

  private final ClusterNodes nodes;
  private final List<Node> members = new ArrayList<>();
  /** On Ctrl-C the run's finally never comes: the nodes must not outlive the harness. */
  private final Thread killer = new Thread(this::killAll, "chaos-nodes-cleanup");

  /**
   * @param roles each node's roles, in order ("ingest,edge", "ingest"); the nodes are named n1, n2, ...
   * @param clusterOptions more entries of every node's cluster section, each with its leading comma
   */
  ChaosCluster(Path dir, FaultNetwork network, List<String> roles, Timings timings, String clusterOptions)
      throws Exception {
    Files.createDirectories(dir);
    // the nodes run under other uids: they must read their configuration
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> addresses = network.claimAddresses(roles.size());
    List<String> names = new ArrayList<>();
    int uidBase = UID_BASE + (int) (ProcessHandle.current().pid() % 100_000) * 10;
    for (int i = 0; i < roles.size(); i++) {
      names.add("n" + (i + 1));
      members.add(new Node("n" + (i + 1), addresses.get(i), uidBase + i, roles.get(i).contains("ingest"),
          roles.get(i).contains("edge")));
    }
    nodes = new ClusterNodes(dir, names);
    Runtime.getRuntime().addShutdownHook(killer);
    nodes.sections("channels: {patterns: [{pattern: 'chaos.*', backlog_size: 20000}]}");
    Path xml = hazelcastXml(dir, timings);
    for (Node node : members) {
      nodes.clusterHost(node.name(), node.address());
      nodes.wrapper(node.name(), List.of("setpriv", "--reuid=" + node.uid(), "--regid=" + node.uid(), "--clear-groups"));
    }
    String options = ", hazelcast_config: " + xml.toAbsolutePath() + clusterOptions;
    // the first node forms the cluster, the others join it: started together, each could form one of its own.
    // Its Hazelcast is enough: a node alone may be below its quorum (cluster.min_members) and not ready until joined
    start(members.get(0), options);
    awaitMembers(members.subList(0, 1), 1, Duration.ofSeconds(120));
    for (Node node : members.subList(1, members.size())) {
      start(node, options);
    }
    nodes.awaitReady();
    awaitMembers(members, members.size(), Duration.ofSeconds(90));
  }

  private void start(Node node, String clusterOptions) throws IOException {
    nodes.start(node.name(), node.roles(), "", clusterOptions);
  }

  /** conf/cluster.xml with a short heartbeat timeout and merge delays, so that a split shows and heals in seconds. */
  private static Path hazelcastXml(Path dir, Timings timings) throws IOException {
    String xml = Files.readString(Path.of("conf", "cluster.xml"));
    String properties = "<properties>\n"
        + property("hazelcast.heartbeat.interval.seconds", 1)
        + property("hazelcast.max.no.heartbeat.seconds", timings.heartbeatSeconds())
        + property("hazelcast.merge.first.run.delay.seconds", timings.mergeDelaySeconds())
        + property("hazelcast.merge.next.run.delay.seconds", timings.mergeDelaySeconds());
    Path file = dir.resolve("hazelcast.xml");
    Files.writeString(file, xml.replaceFirst("<properties>\n", properties));
    return file;
  }

  private static String property(String name, int value) {
    return "    <property name=\"" + name + "\">" + value + "</property>\n";
  }

  List<Node> members() {
    return members;
  }

  Node node(String name) {
    return members.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
  }

  List<Node> alive() {
    return members.stream().filter(n -> nodes.process(n.name()).isAlive()).toList();
  }

  List<Node> others(Node node) {
    return members.stream().filter(n -> !n.equals(node)).toList();
  }

  int ingestPort(Node node) {
    return nodes.port(node.name(), "private");
  }

  int edgePort(Node node) {
    return nodes.port(node.name(), "public");
  }

  int opsPort(Node node) {
    return nodes.port(node.name(), "ops");
  }

  void kill(Node node) {
    nodes.process(node.name()).kill();
  }

  /** The cluster size in the last membership list a node logged (Hazelcast logs one at every change). */
  int lastMembers(Node node) {
    Matcher m = MEMBERS.matcher(nodes.process(node.name()).output());
    int size = 0;
    while (m.find()) {
      size = Integer.parseInt(m.group(1));
    }
    return size;
  }

  /** Waits until each of {@code group} last logged a membership of {@code size}. */
  void awaitMembers(List<Node> group, int size, Duration atMost) {
    Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(200))
        .until(() -> group.stream().allMatch(n -> lastMembers(n) == size));
  }

  /** Whether every node of {@code group} answers {@code /ready} with 200. */
  boolean ready(List<Node> group) {
    for (Node node : group) {
      try {
        if (Http.get(opsPort(node), "/ready").status() != 200) {
          return false;
        }
      } catch (Exception unreachable) {
        return false;
      }
    }
    return true;
  }

  /**
   * The node that owns the partition of the channel's backlog (ringbuffer {@code lastmile.backlog.<channel>}, whose
   * owner numbers and stores every publish), asked of Hazelcast's partition table through a Hazelcast client that
   * connects before the fault and leaves at once: exact, where guessing from timings or names would not be.
   */
  Node backlogOwner(String channel) {
    ClientConfig config = new ClientConfig();
    config.setClusterName(nodes.clusterName());
    config.setProperty("hazelcast.logging.type", "none");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    for (Node node : members) {
      config.getNetworkConfig().addAddress(node.address() + ":" + nodes.memberPortOf(node.name()));
    }
    HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
    try {
      Member owner = client.getPartitionService().getPartition("lastmile.backlog." + channel).getOwner();
      String host = owner.getAddress().getHost();
      return members.stream().filter(n -> n.address().equals(host)).findFirst()
          .orElseThrow(() -> new IllegalStateException("owner " + owner + " is no node of this run"));
    } finally {
      client.shutdown();
    }
  }

  /** Stops every node; their logs stay in target/it-logs/<cluster name>/. */
  @Override
  public void close() throws Exception {
    nodes.close();
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }

  private void killAll() {
    for (Node node : members) {
      GatewayProcess process = nodes.process(node.name());
      if (process != null) {
        process.kill();
      }
    }
  }

  String logs() {
    return "target/it-logs/" + nodes.clusterName();
  }
}
