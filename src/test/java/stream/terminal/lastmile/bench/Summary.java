package stream.terminal.lastmile.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/**
 * The runs of one server in one scenario at one subscriber count, reduced to the median of each numeric field.
 * Lost messages and errors are totals instead: a median would hide the one run that lost messages.
 *
 * @param subscribers null when the runs did not say
 * @param modes the distinct protocol modes of the runs
 */
record Summary(
    String scenario,
    Long subscribers,
    String server,
    Set<String> modes,
    int runs,
    Map<String, Double> medians,
    Map<String, Double> totals) {

  private static final List<String> TOTALLED = List.of("lost", "errors");
  private static final List<String> SCENARIOS = List.of("fanout", "throughput", "many-channels", "idle", "cluster", "fresh");

  private record Key(String scenario, Long subscribers, String server) {}

  /** One summary per (scenario, subscribers, server), in the order the rows first name them. */
  static List<Summary> of(List<JsonObject> rows) {
    Map<Key, List<JsonObject>> groups = new LinkedHashMap<>();
    for (JsonObject row : rows) {
      Long subscribers = row.getValue("subscribers") instanceof Number n ? n.longValue() : null;
      Key key = new Key(text(row, "scenario"), subscribers, text(row, "server"));
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
    }
    List<Summary> summaries = new ArrayList<>();
    groups.forEach((key, runs) -> summaries.add(summarise(key, runs)));
    return summaries;
  }

  /** Known scenarios in the order they are run, then the others by name; fewer subscribers first. */
  static Comparator<Summary> order(Roles roles) {
    return Comparator.<Summary>comparingInt(
            s -> SCENARIOS.contains(s.scenario()) ? SCENARIOS.indexOf(s.scenario()) : SCENARIOS.size())
        .thenComparing(Summary::scenario)
        .thenComparing(Summary::subscribers, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(Summary::server, roles.servers());
  }

  /** "1,000 subscribers", for headings and plot labels. */
  String subscriberCount() {
    return subscribers == null ? "subscribers n/a" : Format.count(subscribers) + " subscribers";
  }

  /** Missing when no run had the field as a number. */
  OptionalDouble median(String field) {
    Double value = medians.get(field);
    return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
  }

  /** Sum over the runs that reported the field; missing when none did. */
  OptionalDouble total(String field) {
    Double value = totals.get(field);
    return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
  }

  private static Summary summarise(Key key, List<JsonObject> runs) {
    Map<String, List<Double>> values = new HashMap<>();
    Set<String> modes = new TreeSet<>();
    for (JsonObject run : runs) {
      run.forEach(field -> {
        if (field.getValue() instanceof Number n) {
          values.computeIfAbsent(field.getKey(), k -> new ArrayList<>()).add(n.doubleValue());
        }
      });
      if (run.getValue("mode") != null) {
        modes.add(text(run, "mode"));
      }
    }
    Map<String, Double> medians = new HashMap<>();
    values.forEach((field, list) -> medians.put(field, median(list)));
    Map<String, Double> totals = new HashMap<>();
    for (String field : TOTALLED) {
      List<Double> list = values.get(field);
      if (list != null) {
        totals.put(field, list.stream().mapToDouble(Double::doubleValue).sum());
      }
    }
    return new Summary(key.scenario(), key.subscribers(), key.server(), Collections.unmodifiableSet(modes),
        runs.size(), Map.copyOf(medians), Map.copyOf(totals));
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  private static String text(JsonObject row, String field) {
    Object value = row.getValue(field);
    return value == null ? "unknown" : value.toString();
  }
}
