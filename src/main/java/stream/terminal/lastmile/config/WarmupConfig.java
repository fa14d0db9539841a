package stream.terminal.lastmile.config;

/**
 * The self warm-up a node runs before it reports ready: real traffic through a private, throwaway gateway, so
 * that the JIT has compiled the hot path before the first client arrives (docs/operations.md, "Startup").
 *
 * @param enabled whether the node warms up at all
 * @param maxMs how long the warm-up's traffic runs, once its clients are connected
 * @param maxDeliveries the warm-up ends sooner once its subscribers have received this many messages
 * @param host the loopback address the warm-up's private listeners bind, on ports the system picks; any other
 *     address fails the warm-up (its unauthenticated ingest listener is refused there), which is logged
 */
public record WarmupConfig(boolean enabled, int maxMs, int maxDeliveries, String host) {
  public static final WarmupConfig DISABLED = new WarmupConfig(false, 0, 0, "127.0.0.1");
}
