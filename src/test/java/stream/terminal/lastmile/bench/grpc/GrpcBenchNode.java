package stream.terminal.lastmile.bench.grpc;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fresh last-mile node in its own JVM, pinned with {@code taskset} to the server CPUs, started from a YAML file
 * written here: an edge listener and an ingest listener with {@code grpc: true} on free loopback ports, every
 * per-connection and per-address limit off (the benchmark's clients all come from 127.0.0.1), and the demo's
 * descriptor set, so that Protobuf payloads map to JSON. Closing stops it with SIGTERM.
 */
final class GrpcBenchNode implements AutoCloseable {
  /** Written by the build (gateway.xml, execution demo-types). */
  static final Path DEMO_TYPES = Path.of("target/demo/indicator.desc");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Process process;
  private final int edgePort;
  private final int ingestPort;

  private GrpcBenchNode(Process process, int edgePort, int ingestPort) {
    this.process = process;
    this.edgePort = edgePort;
    this.ingestPort = ingestPort;
  }

  static GrpcBenchNode start(GrpcBench.Options options) throws Exception {
    if (!Files.isReadable(DEMO_TYPES)) {
      throw new IllegalStateException(DEMO_TYPES + " is missing: build with mvn package");
    }
    Path work = Files.createDirectories(Path.of(options.work()));
    int edge = freePort();
    int ingest = freePort();
    Path config = work.resolve("node.yaml");
    Files.writeString(config, yaml(edge, ingest, options.window(), DEMO_TYPES.toAbsolutePath().toString()));
    Path log = work.resolve("node.log");
    Process process = new ProcessBuilder("taskset", "-c", options.serverCpus(), "java", "-Xms256m", "-Xmx1g",
        "-XX:+UseG1GC", "-jar", options.jar(), "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    GrpcBenchNode node = new GrpcBenchNode(process, edge, ingest);
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

  static String yaml(int edge, int ingest, int window, String descriptorSet) {
    String unlimited = "max_connections_per_ip: 0, new_connections_per_second_per_ip: 0, frames_per_second_per_ip: 0,"
        + " read_bytes_per_second_per_ip: 0, reply_bytes_per_second_per_ip: 0, commands_per_second: 0";
    return String.join("\n", List.of(
        "# written by GrpcBench (scripts/bench-grpc): per-address budgets and rate limits off for the benchmark",
        "node: {shutdown_grace_ms: 500}",
        "protobuf:",
        "  descriptor_sets: [\"" + descriptorSet + "\"]",
        "listeners:",
        "  - {name: public, role: edge, host: 127.0.0.1, port: " + edge + ",",
        "     limits: {max_connections: 1000, " + unlimited + "}}",
        "  - {name: private, role: ingest, host: 127.0.0.1, port: " + ingest + ", grpc: true, grpc_window: " + window
            + ",",
        "     limits: {max_connections: 1000, " + unlimited + "}}",
        ""));
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }
}
