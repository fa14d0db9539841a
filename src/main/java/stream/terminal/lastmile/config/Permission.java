package stream.terminal.lastmile.config;

import java.util.Locale;

/** What a listener lets its clients do. */
public enum Permission {
  SUBSCRIBE,
  CREATE,
  PUBLISH;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
