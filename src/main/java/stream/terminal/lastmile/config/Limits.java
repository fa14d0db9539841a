package stream.terminal.lastmile.config;

/**
 * Per-listener limits. Each one bounds what a single client (or a crowd of them) can cost the node.
 *
 * @param maxConnections open WebSockets on the listener; stops descriptor and memory exhaustion
 * @param maxFrameBytes largest incoming WebSocket message; larger ones close the connection with 1009
 * @param maxDataBytes largest published payload (serialised JSON); larger ones get {@code too_large}
 * @param commandsPerSecond token-bucket refill per connection (0 = unlimited); stops command floods
 * @param burst token-bucket capacity: commands a client may send at once
 * @param maxSubscriptions channels one connection may subscribe to; bounds per-connection state
 * @param writeQueueBytes outbound bytes buffered for a connection before it is dropped as a slow consumer
 * @param pingIntervalMs how often the server pings each connection
 * @param idleTimeoutMs a connection that sends nothing (not even a pong) for this long is closed
 * @param maxUnwritableMs a connection whose outbound queue stays past its bound this long is dropped as a slow
 *     consumer, even while it answers pings: a client that stops reading cannot pin a paused replay or a full
 *     queue forever
 */
public record Limits(
    int maxConnections,
    int maxFrameBytes,
    int maxDataBytes,
    int commandsPerSecond,
    int burst,
    int maxSubscriptions,
    int writeQueueBytes,
    int pingIntervalMs,
    int idleTimeoutMs,
    int maxUnwritableMs) {

  /** Public listeners: enough for any honest browser, little for an abusive one. */
  public static final Limits EDGE_DEFAULTS =
      new Limits(10_000, 16 * 1024, 64 * 1024, 100, 200, 128, 256 * 1024, 25_000, 60_000, 30_000);

  /** Private listeners: trusted publishers, so no rate limit and room for larger frames. */
  public static final Limits INGEST_DEFAULTS =
      new Limits(1_000, 1024 * 1024, 64 * 1024, 0, 0, 1024, 4 * 1024 * 1024, 25_000, 60_000, 30_000);

  public static Limits defaultsFor(Role role) {
    return role == Role.EDGE ? EDGE_DEFAULTS : INGEST_DEFAULTS;
  }

  public boolean rateLimited() {
    return commandsPerSecond > 0;
  }
}
