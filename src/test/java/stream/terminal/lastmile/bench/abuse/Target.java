package stream.terminal.lastmile.bench.abuse;

import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The node under attack: its public (edge) and private (ingest) listeners, and its process when it runs on this
 * host. Only loopback addresses are accepted: the harness is a weapon, and must not be pointed elsewhere.
 *
 * @param pid the node's process, for RSS, open files and CPU; empty when the node is not ours to look at
 */
public record Target(String host, int edgePort, int ingestPort, OptionalLong pid) {
  private static final Pattern LOOPBACK = Pattern.compile("127\\.0\\.0\\.\\d{1,3}");

  public Target {
    requireLoopback(host);
  }

  /** @throws IllegalArgumentException unless {@code host} is 127.0.0.x */
  static void requireLoopback(String host) {
    if (!LOOPBACK.matcher(host).matches()) {
      throw new IllegalArgumentException("only 127.0.0.x may be attacked, not " + host);
    }
  }

  String ingestUrl(String path) {
    return "http://" + host + ":" + ingestPort + path;
  }
}
