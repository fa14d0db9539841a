package stream.terminal.lastmile.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Compare-and-set of an idempotency claim where the entry lives: sets {@code next} (with its own time to live;
 * null removes the entry) when the entry holds {@code expected} (null: absent). Atomic on the key's owner and
 * copied to its backup, so of two nodes claiming one key exactly one wins. One asynchronous round trip
 * ({@code submitToKey}), where IMap's {@code putIfAbsent} and {@code replace(k, old, new)} block a thread.
 *
 * @return (from {@code process}) the entry's value afterwards: {@code next} when the swap happened (a claim's text
 *     is unique, so the caller can tell), otherwise what the entry holds
 */
record ClaimSwap(String expected, String next, long ttlMs) implements EntryProcessor<String, String, String>, Serializable {
  @Override
  public String process(Map.Entry<String, String> entry) {
    String current = entry.getValue();
    if (!Objects.equals(current, expected)) {
      return current;
    }
    if (next == null) {
      entry.setValue(null);
    } else {
      ((ExtendedMapEntry<String, String>) entry).setValue(next, Math.max(1, ttlMs), TimeUnit.MILLISECONDS);
    }
    return next;
  }
}
