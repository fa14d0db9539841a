package stream.terminal.lastmile.bench.grpc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import stream.terminal.lastmile.bench.NodeJvm;

/**
 * A fresh last-mile node in its own JVM, pinned with {@code taskset} to the server CPUs, started from a YAML file
 * written here: an edge listener and an ingest listener with {@code grpc: true} on free loopback ports, every
 * per-connection and per-address limit off (the benchmark's clients all come from 127.0.0.1), and the demo's
 * descriptor set, so that Protobuf payloads map to JSON. (NodeJvm starts and stops it.)
 */
final class GrpcBenchNode {
  /** Written by the build (gateway.xml, execution demo-types). */
  static final Path DEMO_TYPES = Path.of("target/demo/indicator.desc");

  private GrpcBenchNode() {}

  static NodeJvm start(GrpcBench.Options options) throws Exception {
    if (!Files.isReadable(DEMO_TYPES)) {
      throw new IllegalStateException(DEMO_TYPES + " is missing: build with mvn package");
    }
    String descriptorSet = DEMO_TYPES.toAbsolutePath().toString();
    return NodeJvm.start(Path.of(options.work()), options.jar(), options.serverCpus(),
        (edge, ingest) -> yaml(edge, ingest, options.window(), descriptorSet));
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
}
