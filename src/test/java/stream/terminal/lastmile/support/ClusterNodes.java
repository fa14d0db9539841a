package stream.terminal.lastmile.support;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * Several gateway JVMs (the packaged jar) forming one Hazelcast cluster on 127.0.0.1 with TCP-IP join. Each
 * node gets its own config file; member ports are chosen free when the cluster is laid out.
 */
public final class ClusterNodes implements AutoCloseable {
  private final Path dir;
  private final String clusterName = "it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
  private final Map<String, Integer> memberPorts = new LinkedHashMap<>();
  private final Map<String, GatewayProcess> processes = new LinkedHashMap<>();
  private final Map<String, Map<String, Integer>> listenerPorts = new LinkedHashMap<>();
  /** Edge nodes whose public listener has a fixed port, so a restarted node is where its clients left it. */
  private final Map<String, Integer> fixedPublicPorts = new LinkedHashMap<>();
  /** Processes replaced by a restart, kept for their logs. */
  private final List<Map.Entry<String, GatewayProcess>> retired = new ArrayList<>();
  /** The tests' own Vert.x, for their WebSocket clients. */
  private final Vertx clients = Vertx.vertx();
  /** The identity and channels sections every node gets (YAML); by default, the test signing key alone. */
  private String sections = Signing.identityYaml();
  /** More options of every ingest node's private listener, as YAML flow-mapping entries with their leading comma. */
  private String ingestListenerOptions = "";
  /** Nodes whose Hazelcast and event bus bind an address of their own (default 127.0.0.1), so iptables can cut them. */
  private final Map<String, String> clusterHosts = new LinkedHashMap<>();
  /** Commands that start a node's JVM (setpriv with a uid of its own), by node; none by default. */
  private final Map<String, List<String>> wrappers = new LinkedHashMap<>();

  /**
   * The resume tests' cluster, started and ready: "ingest" (the backlogs' owner with the edges) and two edges,
   * "edge1" and "edge2". {@code beforeStart} runs on it first (to fix a public port, say).
   */
  public static ClusterNodes ingestAndTwoEdges(Path dir, BeforeStart beforeStart) throws Exception {
    ClusterNodes cluster = new ClusterNodes(dir, List.of("ingest", "edge1", "edge2"));
    try {
      beforeStart.apply(cluster);
      cluster.start("ingest", "ingest");
      cluster.start("edge1", "edge");
      cluster.start("edge2", "edge");
      cluster.awaitReady();
      return cluster;
    } catch (Exception | AssertionError e) {
      // the caller never gets the cluster to close: its JVMs would outlive the test
      cluster.close();
      throw e;
    }
  }

  /** What a test does to the cluster before its members start. */
  @FunctionalInterface
  public interface BeforeStart {
    void apply(ClusterNodes cluster) throws IOException;
  }

  /**
   * Replaces the sections every node gets besides node, cluster and listeners (by default
   * {@link Signing#identityYaml()}): the same identity and channel patterns on every node, as in production.
   * Call before the nodes start.
   */
  public void sections(String yaml) {
    this.sections = yaml;
  }

  /** More options of every ingest node's private listener, each with its leading comma: {@code ", grpc: true"}. */
  public void ingestListenerOptions(String options) {
    this.ingestListenerOptions = options;
  }

  /**
   * Binds node {@code name}'s Hazelcast and event bus to {@code address} (a loopback address an interface carries)
   * instead of 127.0.0.1; its client listeners stay on 127.0.0.1. Call before any node starts: the member list
   * names it.
   */
  public void clusterHost(String name, String address) {
    clusterHosts.put(name, address);
  }

  /** Starts node {@code name}'s JVM through {@code wrapper} (see {@link GatewayProcess#startJar(Path, Map, List)}). */
  public void wrapper(String name, List<String> wrapper) {
    wrappers.put(name, wrapper);
  }

  public String clusterHost(String name) {
    return clusterHosts.getOrDefault(name, "127.0.0.1");
  }

  public int memberPortOf(String name) {
    return memberPorts.get(name);
  }

  public String clusterName() {
    return clusterName;
  }

  /** @param names every member the cluster will have, including ones started later */
  public ClusterNodes(Path dir, List<String> names) throws IOException {
    this.dir = dir;
    for (String name : names) {
      memberPorts.put(name, memberPort());
    }
  }

  /**
   * A free port below the kernel's ephemeral range (32768-60999 on Linux). A member port is chosen when the
   * cluster is laid out but bound only when its node starts; a port from the ephemeral range could meanwhile
   * become the local end of an outgoing connection (the nodes' own, to each other), and a late node then failed
   * to start with "Address already in use" (1 run in 11).
   */
  public static int memberPort() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(12_000);
      try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port between 20000 and 32000");
  }

  /** Gives edge node {@code name}'s public listener a port chosen free now, kept across restarts; call before start. */
  public int fixPublicPort(String name) throws IOException {
    int port = memberPort();
    fixedPublicPorts.put(name, port);
    return port;
  }

  /** Stops a node with SIGTERM (it drains its clients), then starts it again with the same configuration. */
  public GatewayProcess restart(String name) throws Exception {
    GatewayProcess old = processes.get(name);
    old.terminate();
    old.awaitExit(30);
    retired.add(Map.entry(name, old));
    listenerPorts.remove(name);
    GatewayProcess process = GatewayProcess.startJar(dir.resolve(name + ".yaml"), Map.of(), wrappers.getOrDefault(name, List.of()));
    processes.put(name, process);
    awaitReady();
    return process;
  }

  /** Starts a node running {@code role} (ingest, edge or both: "ingest,edge"), with an ops listener; does not wait for it. */
  public GatewayProcess start(String name, String role) throws IOException {
    return start(name, role, "", "");
  }

  /**
   * As {@link #start(String, String)}, with more options for the node's sections.
   *
   * @param nodeOptions more options of the {@code node} section, e.g. {@code "drain_delay_ms: 1000"}
   * @param clusterOptions YAML flow-mapping entries of the {@code cluster} section, each with its leading comma:
   *     {@code ", tls: {...}"}
   */
  public GatewayProcess start(String name, String role, String nodeOptions, String clusterOptions) throws IOException {
    String members = memberPorts.entrySet().stream()
        .map(m -> "\"" + clusterHost(m.getKey()) + ":" + m.getValue() + "\"").collect(Collectors.joining(", "));
    List<String> listeners = new ArrayList<>();
    if (role.contains("edge")) {
      listeners.add("  - {name: public, role: edge, host: 127.0.0.1, port: " + fixedPublicPorts.getOrDefault(name, 0) + "}");
    }
    if (role.contains("ingest")) {
      listeners.add("  - {name: private, role: ingest, host: 127.0.0.1, port: 0, permissions: [create, publish, subscribe]"
          + ingestListenerOptions + "}");
    }
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(config, String.join("\n",
        "node: {roles: [" + role + "], edge_instances: 1, shutdown_grace_ms: 3000"
            + (nodeOptions.isEmpty() ? "" : ", " + nodeOptions) + "}",
        "cluster: {enabled: true, name: " + clusterName + ", host: " + clusterHost(name) + ", port: " + memberPorts.get(name)
            + ", members: [" + members + "], join_wait_seconds: 0" + clusterOptions + "}",
        sections,
        "listeners:",
        String.join("\n", listeners),
        "  - {name: ops, role: ops, host: 127.0.0.1, port: 0}",
        ""));
    GatewayProcess process = GatewayProcess.startJar(config, Map.of(), wrappers.getOrDefault(name, List.of()));
    processes.put(name, process);
    return process;
  }

  /**
   * Waits for every started node's ready line, then for every node's {@code /ready}, which in a cluster also
   * means its partitions' backups are in sync: only then can a node be lost without losing data.
   */
  public void awaitReady() throws InterruptedException {
    for (Map.Entry<String, GatewayProcess> node : processes.entrySet()) {
      if (!listenerPorts.containsKey(node.getKey())) {
        listenerPorts.put(node.getKey(), node.getValue().awaitReady());
      }
    }
    for (String node : processes.keySet()) {
      if (processes.get(node).isAlive()) {
        // a probe that times out on a loaded machine (the check waits on Hazelcast) is asked again
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
            .ignoreExceptionsInstanceOf(java.net.http.HttpTimeoutException.class)
            .until(() -> Http.get(port(node, "ops"), "/ready").status() == 200);
      }
    }
  }

  public GatewayProcess process(String name) {
    return processes.get(name);
  }

  /** The port of a node's listener (public, private or ops). */
  public int port(String node, String listener) {
    return listenerPorts.get(node).get(listener);
  }

  /** A WebSocket client on a node's public (edge) listener. */
  public WsClient edge(String node) throws Exception {
    return WsClient.connect(clients, port(node, "public"));
  }

  /** A WebSocket client on a node's private (ingest) listener. */
  public WsClient ingest(String node) throws Exception {
    return WsClient.connect(clients, port(node, "private"));
  }

  /**
   * Stops every node and keeps each one's log in {@code target/it-logs/<cluster name>/<node>.log}: a failure
   * that shows once in twenty runs must be explainable afterwards.
   */
  @Override
  public void close() throws InterruptedException, IOException {
    clients.close().await();
    List<GatewayProcess> all = new ArrayList<>(processes.values());
    for (GatewayProcess p : all) {
      p.terminate();
    }
    Path logs = Files.createDirectories(Path.of("target", "it-logs", clusterName));
    for (Map.Entry<String, GatewayProcess> node : processes.entrySet()) {
      node.getValue().awaitExitQuietly(15);
      node.getValue().close();
      Files.writeString(logs.resolve(node.getKey() + ".log"), node.getValue().output());
    }
    for (int i = 0; i < retired.size(); i++) {
      retired.get(i).getValue().close();
      Files.writeString(logs.resolve(retired.get(i).getKey() + ".before-restart-" + (i + 1) + ".log"),
          retired.get(i).getValue().output());
    }
  }
}
