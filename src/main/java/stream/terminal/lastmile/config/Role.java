package stream.terminal.lastmile.config;

import java.util.Locale;

/** What a listener (and a node) serves: the trusted private side, or the public side. */
public enum Role {
  INGEST,
  EDGE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
