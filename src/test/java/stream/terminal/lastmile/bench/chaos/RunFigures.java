package stream.terminal.lastmile.bench.chaos;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The outcome of one run, checked against the invariants: every acknowledged message present exactly once, at its
 * acknowledged offset when the epoch is the one it was acknowledged in; every node serving the same history; no
 * two different messages shown at one (epoch, offset), by two subscribers or by a subscriber and the history.
 *
 * @param acknowledged messages acknowledged (a 200, possibly after retries)
 * @param unknown messages with at least one attempt whose outcome was unknown
 * @param refused messages definitely refused (an error other than {@code "stored":"unknown"})
 * @param unsettled messages still in doubt when the run gave up retrying
 * @param lost acknowledged messages absent from the history
 * @param duplicates extra copies of a message in the history (of any message: acknowledged, refused or in doubt)
 * @param renumbered acknowledged messages present in the same epoch but at another offset than acknowledged
 * @param newEpoch acknowledged messages whose channel moved to a new epoch (present once there: not a failure)
 * @param divergent alive nodes whose history differs from the one most nodes serve
 * @param contradictions positions at which subscribers were shown two different messages, or one the history
 *     contradicts
 * @param behind subscribers on living nodes that had not been shown the history's last message 15 s after the
 *     last publish (a subscription left without messages)
 * @param mergeSeconds from the heal to a merged cluster serving one history (-1: never within the bound)
 */
public record RunFigures(String scenario, int acknowledged, int unknown, int refused, int unsettled, int lost,
    int duplicates, int renumbered, int newEpoch, int divergent, int contradictions, int behind, double mergeSeconds,
    String notes) {

  /** True when every invariant held. */
  public boolean held() {
    return lost == 0 && duplicates == 0 && renumbered == 0 && divergent == 0 && contradictions == 0 && behind == 0
        && mergeSeconds >= 0;
  }

  static RunFigures check(String scenario, Ledger ledger, Views views, Map<String, History> histories, int behind,
      double mergeSeconds, String notes) {
    History reference = reference(histories);
    int divergent = (int) histories.values().stream().filter(h -> !h.equals(reference)).count();
    Map<String, Long> copies = reference.entries().stream()
        .collect(Collectors.groupingBy(History.Entry::payload, Collectors.counting()));
    Map<Long, String> atOffset = new HashMap<>();
    reference.entries().forEach(e -> atOffset.putIfAbsent(e.offset(), e.payload()));
    List<String> lostKeys = new ArrayList<>();
    int renumbered = 0;
    int newEpoch = 0;
    for (Map.Entry<String, Ledger.Ack> ack : ledger.acks().entrySet()) {
      if (!copies.containsKey(ack.getKey())) {
        lostKeys.add(ack.getKey() + " acknowledged at " + ack.getValue()
            + (ledger.unknown().contains(ack.getKey()) ? " after an unknown outcome" : ""));
      } else if (!ack.getValue().epoch().equals(reference.epoch())) {
        newEpoch++;
      } else if (!ack.getKey().equals(atOffset.get(ack.getValue().offset()))) {
        renumbered++;
      }
    }
    int duplicates = copies.values().stream().mapToInt(n -> (int) (n - 1)).sum();
    List<String> contradicted = contradictions(views, reference);
    String examples = (contradicted.isEmpty() ? "" : "; contradicted, e.g. " + String.join(", ",
        contradicted.subList(0, Math.min(3, contradicted.size()))))
        + (lostKeys.isEmpty() ? "" : "; lost, e.g. " + String.join(", ", lostKeys.subList(0, Math.min(3, lostKeys.size()))));
    return new RunFigures(scenario, ledger.acks().size(), ledger.unknown().size(), ledger.refused().size(),
        ledger.unsettled().size(), lostKeys.size(), duplicates, renumbered, newEpoch, divergent, contradicted.size(), behind,
        mergeSeconds, notes + examples);
  }

  /**
   * Positions contradicted between subscribers, plus those where a subscriber saw what the history does not hold;
   * each described for the run's notes.
   */
  private static List<String> contradictions(Views views, History reference) {
    Map<Long, String> stored = reference.entries().stream()
        .collect(Collectors.toMap(History.Entry::offset, History.Entry::payload, (a, b) -> a));
    long first = reference.entries().isEmpty() ? 1 : reference.entries().get(0).offset();
    List<String> found = new ArrayList<>();
    views.contradicted().forEach((at, other) -> found.add(at + " shown " + views.shown().get(at) + " and " + other));
    for (Map.Entry<Views.Position, String> seen : views.shown().entrySet()) {
      Views.Position at = seen.getKey();
      if (!views.contradicted().containsKey(at) && at.epoch().equals(reference.epoch()) && at.offset() >= first
          && !seen.getValue().equals(stored.get(at.offset()))) {
        found.add(at + " shown " + seen.getValue() + ", stored " + stored.get(at.offset()));
      }
    }
    return found;
  }

  /** The history most nodes serve. */
  static History reference(Map<String, History> histories) {
    return histories.values().stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
        .entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
        .orElse(new History(null, List.of()));
  }

  JsonObject json() {
    return new JsonObject().put("scenario", scenario).put("acknowledged", acknowledged).put("unknown", unknown)
        .put("refused", refused).put("unsettled", unsettled).put("lost", lost).put("duplicates", duplicates)
        .put("renumbered", renumbered).put("new_epoch", newEpoch).put("divergent", divergent)
        .put("contradictions", contradictions).put("behind", behind).put("merge_seconds", mergeSeconds).put("held", held())
        .put("notes", notes);
  }
}
