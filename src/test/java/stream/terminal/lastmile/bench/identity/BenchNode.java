package stream.terminal.lastmile.bench.identity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import stream.terminal.lastmile.bench.NodeJvm;

/**
 * A fresh last-mile node in its own JVM, pinned with {@code taskset} to the server CPUs, started from a YAML file
 * written here: an edge and an ingest listener on free loopback ports with every per-connection and per-address
 * limit off (the benchmark's clients all come from a few loopback addresses and would otherwise be throttled), and
 * the {@code identity} section under test. (NodeJvm starts and stops it.)
 */
final class BenchNode {
  static final String API_KEY_ID = "bench-key";
  static final String ED25519_KID = "bench-ed25519";
  static final String P256_KID = "bench-p256";
  static final String CONNECT_CHANNEL = "bench.connect";

  /** The identity section's variable parts. */
  record Identity(String issuer, String apiKeyHash, String ed25519Spki, String p256Spki) {}

  private BenchNode() {}

  static NodeJvm start(IdentityBench.Options options, Identity identity) throws Exception {
    return NodeJvm.start(Path.of(options.work()), options.jar(), options.serverCpus(),
        (edge, ingest) -> yaml(identity, edge, ingest));
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
}
