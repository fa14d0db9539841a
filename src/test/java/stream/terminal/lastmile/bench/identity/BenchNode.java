package stream.terminal.lastmile.bench.identity;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fresh last-mile node in its own JVM, pinned with {@code taskset} to the server CPUs, started from a YAML file
 * written here: an edge and an ingest listener on free loopback ports with every per-connection and per-address
 * limit off (the benchmark's clients all come from a few loopback addresses and would otherwise be throttled), and
 * the {@code identity} section under test. Closing stops it with SIGTERM.
 */
final class BenchNode implements AutoCloseable {
  static final String API_KEY_ID = "bench-key";
  static final String ED25519_KID = "bench-ed25519";
  static final String P256_KID = "bench-p256";
  static final String CONNECT_CHANNEL = "bench.connect";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  /** The identity section's variable parts. */
  record Identity(String issuer, String apiKeyHash, String ed25519Spki, String p256Spki) {}

  private final Process process;
  private final int edgePort;
  private final int ingestPort;

  private BenchNode(Process process, int edgePort, int ingestPort) {
    this.process = process;
    this.edgePort = edgePort;
    this.ingestPort = ingestPort;
  }

  static BenchNode start(IdentityBench.Options options, Identity identity) throws Exception {
    Path work = Files.createDirectories(Path.of(options.work()));
    int edge = freePort();
    int ingest = freePort();
    Path config = work.resolve("node.yaml");
    Files.writeString(config, yaml(identity, edge, ingest));
    Path log = work.resolve("node.log");
    Process process = new ProcessBuilder("taskset", "-c", options.serverCpus(), "java", "-Xms256m", "-Xmx1g",
        "-XX:+UseG1GC", "-jar", options.jar(), "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    BenchNode node = new BenchNode(process, edge, ingest);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    // the node's log is the only sign of readiness it gives; polled, as scripts/bench does
    while (!Files.readString(log).contains("last-mile ready")) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        node.close();
        throw new IllegalStateException("the node did not start; " + log + ":\n" + Files.readString(log));
      }
      process.waitFor(100, TimeUnit.MILLISECONDS);
    }
    return node;
  }

  /** taskset execs java, so this is the JVM's pid. */
  long pid() {
    return process.pid();
  }

  int edgePort() {
    return edgePort;
  }

  int ingestPort() {
    return ingestPort;
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  static String yaml(Identity identity, int edge, int ingest) {
    String unlimited = "max_connections_per_ip: 0, new_connections_per_second_per_ip: 0, frames_per_second_per_ip: 0,"
        + " read_bytes_per_second_per_ip: 0, reply_bytes_per_second_per_ip: 0, commands_per_second: 0";
    return String.join("\n", List.of(
        "# written by IdentityBench (scripts/bench-identity): per-address budgets and rate limits off for the benchmark",
        "node: {shutdown_grace_ms: 500}",
        "channels:",
        "  declare: [" + CONNECT_CHANNEL + "]",
        "identity:",
        "  oidc: {issuer: \"" + identity.issuer() + "\", audience: [last-mile], algorithms: [RS256]}",
        "  api_keys:",
        "    - {id: " + API_KEY_ID + ", hash: \"" + identity.apiKeyHash() + "\", channels: [\"*\"]}",
        "  public_keys:",
        "    - {id: " + ED25519_KID + ", key: \"" + identity.ed25519Spki() + "\", channels: [\"*\"]}",
        "    - {id: " + P256_KID + ", key: \"" + identity.p256Spki() + "\", channels: [\"*\"]}",
        "listeners:",
        "  - {name: public, role: edge, host: 127.0.0.1, port: " + edge + ",",
        "     limits: {max_connections: 20000, " + unlimited + "}}",
        "  - {name: private, role: ingest, host: 127.0.0.1, port: " + ingest + ",",
        "     limits: {max_connections: 1000, " + unlimited + "}}",
        ""));
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }
}
