package stream.terminal.lastmile.bus;

/** Every event-bus address the gateway uses. */
public final class Addresses {
  /** Prefix of channel addresses: ingest publishes each message of channel {@code c} to {@code tslm.ch.c}. */
  public static final String CHANNEL_PREFIX = "tslm.ch.";

  private Addresses() {}

  public static String channel(String name) {
    return CHANNEL_PREFIX + name;
  }
}
