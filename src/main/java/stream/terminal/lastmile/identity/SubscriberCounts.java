package stream.terminal.lastmile.identity;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Subscribers per channel on this node, kept only for channels whose policy caps them ({@code max_subscribers}).
 * Shared by every event loop of the node; each node counts its own (nothing about identity crosses the cluster).
 */
public final class SubscriberCounts {
  private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

  /** Takes a place among the channel's subscribers; false when it already has {@code max}. */
  public boolean tryAcquire(String channel, int max) {
    boolean[] taken = {false};
    counts.compute(channel, (name, count) -> {
      int n = count == null ? 0 : count;
      if (n >= max) {
        return count;
      }
      taken[0] = true;
      return n + 1;
    });
    return taken[0];
  }

  /** Gives back a place taken by {@link #tryAcquire}; the entry goes with the channel's last subscriber. */
  public void release(String channel) {
    counts.computeIfPresent(channel, (name, count) -> count <= 1 ? null : count - 1);
  }

  /** The channel's counted subscribers on this node. */
  public int count(String channel) {
    return counts.getOrDefault(channel, 0);
  }
}
