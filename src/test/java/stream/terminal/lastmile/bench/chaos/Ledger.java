package stream.terminal.lastmile.bench.chaos;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the publishers were told, per message (its payload key, "publisher-sequence"): the acknowledged position,
 * whether an attempt's outcome was unknown, whether it was refused, and whether it was never settled.
 */
final class Ledger {
  record Ack(String epoch, long offset, boolean duplicate) {}

  private final Map<String, Ack> acks = new ConcurrentHashMap<>();
  private final Set<String> unknown = ConcurrentHashMap.newKeySet();
  private final Map<String, String> refused = new ConcurrentHashMap<>();
  private final Set<String> unsettled = ConcurrentHashMap.newKeySet();

  void acked(String key, String epoch, long offset, boolean duplicate) {
    acks.put(key, new Ack(epoch, offset, duplicate));
  }

  void unknown(String key) {
    unknown.add(key);
  }

  void refused(String key, String why) {
    refused.put(key, why);
  }

  void unsettled(String key) {
    unsettled.add(key);
  }

  Map<String, Ack> acks() {
    return acks;
  }

  Set<String> unknown() {
    return unknown;
  }

  Map<String, String> refused() {
    return refused;
  }

  Set<String> unsettled() {
    return unsettled;
  }
}
