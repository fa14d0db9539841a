package stream.terminal.lastmile.config;

import java.util.Locale;

/**
 * What a listener serves: the trusted private side (ingest), the public side (edge), or only the operations
 * endpoints (ops, private, opened on every node so that an edge-only node can be probed too). A node runs the
 * ingest role, the edge role, or both.
 */
public enum Role {
  INGEST,
  EDGE,
  OPS;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
