package stream.terminal.lastmile.config;

/**
 * Per-listener limits. Each one bounds what a single client (or a crowd of them) can cost the node.
 *
 * @param maxConnections open TCP connections on the listener, upgraded or not; stops descriptor and memory
 *     exhaustion
 * @param maxFrameBytes largest incoming WebSocket message; larger ones close the connection with 1009
 * @param maxDataBytes largest published payload (serialised JSON); larger ones get {@code too_large}
 * @param commandsPerSecond token-bucket refill per connection (0 = unlimited); stops command floods
 * @param burst token-bucket capacity: commands a client may send at once
 * @param maxSubscriptions channels one connection may subscribe to; bounds per-connection state
 * @param writeQueueBytes outbound bytes buffered for a connection before it is dropped as a slow consumer
 * @param pingIntervalMs how often the server pings each connection
 * @param idleTimeoutMs a connection that sends nothing (not even a pong) for this long is closed
 * @param handshakeTimeoutMs an HTTP request (a WebSocket upgrade included) must arrive whole within this time of
 *     its first byte (of the accept, for a connection's first request); stops slowloris clients
 * @param keepAliveTimeoutMs an HTTP connection with no request in progress and not upgraded is closed after
 *     this long; stops idle keep-alive connections from holding descriptors
 * @param maxConnectionsPerIp open TCP connections from one client address (0 = no cap); stops one host from
 *     taking the whole of {@code maxConnections}
 * @param maxUnwritableMs a connection whose outbound queue stays past its bound this long is dropped as a slow
 *     consumer, even while it answers pings: a client that stops reading cannot pin a paused replay or a full
 *     queue forever
 * @param perIp budgets per second shared by the connections from one address: over its budget, an address's
 *     connections stop being read until it has paid (a refusal or an error reply would cost the node as much as
 *     the work), so one host cannot take the node's CPU from everyone else
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
    int handshakeTimeoutMs,
    int keepAliveTimeoutMs,
    int maxConnectionsPerIp,
    int maxUnwritableMs,
    PerIpRates perIp) {

  /**
   * Public listeners: enough for any honest browser, little for an abusive one. 256 connections per address
   * leave room for the many users a carrier-grade NAT puts behind one address (a browser opens a handful),
   * while one host alone cannot take more than 1/40 of the listener. The per-address budgets leave that crowd
   * room too (a browser sends a handful of small commands; a reconnect storm of 256 clients takes seconds)
   * while one host alone gets only a sliver of a core: 32 connections, 200 frames, 256 KiB read and 2 MiB of
   * history and replay per second.
   */
  public static final Limits EDGE_DEFAULTS =
      new Limits(10_000, 16 * 1024, 64 * 1024, 100, 200, 128, 256 * 1024, 25_000, 60_000, 10_000, 30_000, 256, 30_000,
          new PerIpRates(32, 200, 256 * 1024, 2 * 1024 * 1024));

  /**
   * Private listeners: trusted publishers, so no rate limit, room for larger frames and no cap per address
   * (a few publisher hosts may each keep a large pool), nor any budget per address.
   */
  public static final Limits INGEST_DEFAULTS =
      new Limits(1_000, 1024 * 1024, 64 * 1024, 0, 0, 1024, 4 * 1024 * 1024, 25_000, 60_000, 10_000, 60_000, 0, 30_000,
          PerIpRates.NONE);

  public static Limits defaultsFor(Role role) {
    return role == Role.EDGE ? EDGE_DEFAULTS : INGEST_DEFAULTS;
  }

  public boolean rateLimited() {
    return commandsPerSecond > 0;
  }
}
