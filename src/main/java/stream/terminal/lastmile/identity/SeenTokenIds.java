package stream.terminal.lastmile.identity;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code jti}s of publisher tokens this node has accepted, per key, each kept until its token could no longer
 * be accepted anyway (exp + leeway): a second use is a replay. Bounded: a key with {@link #limitPerKey} live ids
 * gets no more until some expire, so one leaked key cannot grow the node's memory. Thread-safe.
 */
final class SeenTokenIds {
  private record Entry(String jti, long forgetAtMs) {}

  /** One key's live ids; its monitor guards both collections. */
  private static final class PerKey {
    final Map<String, Long> forgetAt = new HashMap<>();
    final PriorityQueue<Entry> byExpiry = new PriorityQueue<>((a, b) -> Long.compare(a.forgetAtMs, b.forgetAtMs));
  }

  /** What {@link #remember} found. */
  enum Outcome { FRESH, REPLAYED, FULL }

  private final Map<String, PerKey> keys = new ConcurrentHashMap<>();
  private final int limitPerKey;

  SeenTokenIds(int limitPerKey) {
    this.limitPerKey = limitPerKey;
  }

  /** Records {@code jti} of key {@code kid} until {@code forgetAtMs}, unless it is live already or the key is full. */
  Outcome remember(String kid, String jti, long forgetAtMs, long nowMs) {
    PerKey key = keys.computeIfAbsent(kid, k -> new PerKey());
    synchronized (key) {
      while (!key.byExpiry.isEmpty() && key.byExpiry.peek().forgetAtMs() < nowMs) {
        Entry old = key.byExpiry.poll();
        key.forgetAt.remove(old.jti(), old.forgetAtMs());
      }
      if (key.forgetAt.containsKey(jti)) {
        return Outcome.REPLAYED;
      }
      if (key.forgetAt.size() >= limitPerKey) {
        return Outcome.FULL;
      }
      key.forgetAt.put(jti, forgetAtMs);
      key.byExpiry.add(new Entry(jti, forgetAtMs));
      return Outcome.FRESH;
    }
  }
}
