package stream.terminal.lastmile.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Function;

/**
 * The comparison tables: one section per scenario and subscriber count, one row per server, then ratios; then, for
 * a scenario run over several subscriber transports, one table of every server and transport side by side.
 */
final class ResultsMarkdown {
  private record Column(String header, Function<Summary, String> cell) {}

  private record Ratio(String header, String field) {}

  private static final List<Column> COLUMNS = List.of(
      new Column("server", Summary::server),
      new Column("runs", s -> String.valueOf(s.runs())),
      new Column("lost", s -> Format.count(s.total("lost"))),
      new Column("errors", s -> Format.count(s.total("errors"))),
      new Column("mode", s -> s.modes().isEmpty() ? Format.NA : String.join("/", s.modes())),
      new Column("delivered msgs/s", s -> Format.count(s.median("delivered_per_s"))),
      new Column("p50 ms", s -> Format.ms(s.median("p50_us"))),
      new Column("p99 ms", s -> Format.ms(s.median("p99_us"))),
      new Column("p99.9 ms", s -> Format.ms(s.median("p999_us"))),
      new Column("max ms", s -> Format.ms(s.median("max_us"))),
      new Column("server CPU µs/msg", s -> Format.fixed(s.median("server_cpu_us_per_msg"), 2)),
      new Column("server CPU %", s -> Format.fixed(s.median("server_cpu_pct"), 1)),
      new Column("RSS MiB", s -> Format.mib(s.median("server_rss_kib"))),
      new Column("heap after GC MiB", s -> Format.mib(s.median("server_heap_after_gc_kib"))),
      new Column("RSS/conn KiB", s -> Format.fixed(s.median("rss_per_conn_kib"), 1)),
      new Column("heap/conn KiB", s -> Format.fixed(s.median("heap_per_conn_kib"), 1)),
      new Column("connects/s", s -> Format.count(s.median("connects_per_s"))),
      new Column("generator CPU %", s -> Format.fixed(s.median("generator_cpu_pct"), 1)));

  /** Server, runs, lost and errors: they show even when no run reported them, so no loss goes unseen. */
  private static final int ALWAYS_SHOWN = 4;

  private static final List<Ratio> RATIOS = List.of(
      new Ratio("delivered msgs/s", "delivered_per_s"),
      new Ratio("p99", "p99_us"),
      new Ratio("server CPU µs/msg", "server_cpu_us_per_msg"),
      new Ratio("RSS/conn", "rss_per_conn_kib"));

  private static final List<Ratio> TRANSPORT_RATIOS = List.of(
      new Ratio("CPU µs/msg / websocket", "server_cpu_us_per_msg"),
      new Ratio("p99 / websocket", "p99_us"),
      new Ratio("RSS/conn / websocket", "rss_per_conn_kib"));

  private static final List<Long> PAPER_CONNECTIONS = List.of(100_000L, 1_000_000L);

  private ResultsMarkdown() {}

  /** Summaries in report order (see {@link Summary#order}). */
  static String render(List<Summary> summaries, Roles roles) {
    StringBuilder out = new StringBuilder("# Benchmark results\n\n")
        .append("Medians over runs; lost and errors are totals over all runs. Latency in ms, server CPU % of one ")
        .append("core, memory in MiB (KiB per connection). A ratio is ").append(roles.subject())
        .append("'s figure over the other server's: above 1 is more (better for msgs/s, worse for latency, CPU ")
        .append("and memory).\n");
    if (summaries.isEmpty()) {
      out.append("\nNo runs.\n");
    }
    Map<String, List<Summary>> sections = new LinkedHashMap<>();
    for (Summary s : summaries) {
      sections.computeIfAbsent(heading(s), k -> new ArrayList<>()).add(s);
    }
    sections.forEach((heading, servers) -> section(out, heading, servers, roles));
    byTransport(out, summaries, roles);
    return out.toString();
  }

  /**
   * Each scenario and subscriber count run over more than one transport ({@code fanout}, {@code fanout-sse}, ...):
   * one row per server and transport, with each server's figures over its own WebSocket figures.
   */
  private static void byTransport(StringBuilder out, List<Summary> summaries, Roles roles) {
    Map<String, List<Summary>> groups = new LinkedHashMap<>();
    for (Summary s : summaries) {
      groups.computeIfAbsent(Transport.baseScenario(s.scenario()) + " by transport, " + s.subscriberCount(),
          k -> new ArrayList<>()).add(s);
    }
    groups.forEach((heading, group) -> {
      if (group.stream().map(s -> Transport.ofScenario(s.scenario())).distinct().count() < 2) {
        return;
      }
      List<Summary> rows = new ArrayList<>(group);
      rows.sort(Comparator.comparing(Summary::server, roles.servers())
          .thenComparing(s -> Transport.ofScenario(s.scenario())));
      List<String> headers = new ArrayList<>(List.of("server, transport"));
      COLUMNS.stream().skip(1).forEach(c -> headers.add(c.header()));
      TRANSPORT_RATIOS.forEach(r -> headers.add(r.header()));
      MarkdownTable table = new MarkdownTable(headers, ALWAYS_SHOWN);
      for (Summary s : rows) {
        List<String> row = new ArrayList<>(List.of(s.server() + ", " + Transport.ofScenario(s.scenario()).label()));
        COLUMNS.stream().skip(1).forEach(c -> row.add(c.cell().apply(s)));
        Optional<Summary> websocket = rows.stream()
            .filter(w -> w.server().equals(s.server()) && Transport.ofScenario(w.scenario()) == Transport.WEBSOCKET)
            .findFirst();
        TRANSPORT_RATIOS.forEach(r -> row.add(websocket.isEmpty() ? Format.NA
            : Format.ratio(s.median(r.field()), websocket.get().median(r.field()))));
        table.row(row);
      }
      out.append("\n## ").append(heading).append("\n\n")
          .append("Each server's figures over its own WebSocket figures in the last columns.\n\n")
          .append(table.render());
    });
  }

  private static void section(StringBuilder out, String heading, List<Summary> servers, Roles roles) {
    out.append("\n## ").append(heading).append("\n\n");
    String setup = setup(servers);
    if (!setup.isEmpty()) {
      out.append(setup).append("\n\n");
    }
    MarkdownTable table = new MarkdownTable(COLUMNS.stream().map(Column::header).toList(), ALWAYS_SHOWN);
    servers.forEach(s -> table.row(COLUMNS.stream().map(c -> c.cell().apply(s)).toList()));
    out.append(table.render());
    ratios(out, servers, roles);
    if ("idle".equals(servers.get(0).scenario())) {
      onPaper(out, servers);
    }
  }

  private static String heading(Summary s) {
    return s.scenario() + ", " + s.subscriberCount();
  }

  /** What the runs were asked to do, as the servers' medians; several values when servers were run differently. */
  private static String setup(List<Summary> servers) {
    List<String> parts = new ArrayList<>();
    values(servers, "channels", v -> Format.count(v)).ifPresent(v -> parts.add("channels " + v));
    // idle runs publish nothing: their rate of 0 does not mean "as fast as delivered"
    if (servers.stream().anyMatch(s -> s.median("published").orElse(0) > 0)) {
      values(servers, "publish_rate",
          v -> v == 0 ? "as fast as delivered" : Format.count(v) + " msgs/s")
          .ifPresent(v -> parts.add("publish rate " + v));
    }
    values(servers, "duration_s", v -> Format.count(v) + " s")
        .ifPresent(v -> parts.add("duration " + v + " per run"));
    return String.join(" · ", parts);
  }

  private static Optional<String> values(List<Summary> servers, String field, Function<Double, String> format) {
    Set<String> values = new LinkedHashSet<>();
    servers.forEach(s -> s.median(field).ifPresent(v -> values.add(format.apply(v))));
    return values.isEmpty() ? Optional.empty() : Optional.of(String.join(" / ", values));
  }

  private static void ratios(StringBuilder out, List<Summary> servers, Roles roles) {
    Optional<Summary> subject = find(servers, roles.subject());
    List<Summary> others = new ArrayList<>();
    for (String name : roles.references()) {
      if (!name.equals(roles.subject())) {
        find(servers, name).ifPresent(others::add);
      }
    }
    if (subject.isEmpty() || others.isEmpty()) {
      return;
    }
    List<String> headers = new ArrayList<>(List.of("ratio"));
    RATIOS.forEach(r -> headers.add(r.header()));
    MarkdownTable table = new MarkdownTable(headers, 1);
    for (Summary other : others) {
      List<String> row = new ArrayList<>(List.of(roles.subject() + " / " + other.server()));
      RATIOS.forEach(r -> row.add(Format.ratio(subject.get().median(r.field()), other.median(r.field()))));
      table.row(row);
    }
    out.append('\n').append(table.render());
  }

  /** Per-connection memory times a connection count: what the idle figures promise, not a measurement. */
  private static void onPaper(StringBuilder out, List<Summary> servers) {
    out.append("\nOn paper (per-connection figure × connections, nothing else counted):\n\n");
    for (Summary s : servers) {
      OptionalDouble rss = s.median("rss_per_conn_kib");
      OptionalDouble heap = s.median("heap_per_conn_kib");
      out.append("- ").append(s.server()).append(": ");
      if (rss.isEmpty() && heap.isEmpty()) {
        out.append(Format.NA).append('\n');
        continue;
      }
      List<String> counts = new ArrayList<>();
      for (long n : PAPER_CONNECTIONS) {
        List<String> sizes = new ArrayList<>();
        rss.ifPresent(kib -> sizes.add("RSS " + Format.size(kib * n)));
        heap.ifPresent(kib -> sizes.add("heap " + Format.size(kib * n)));
        counts.add(Format.count(n) + " connections → " + String.join(", ", sizes));
      }
      out.append(String.join("; ", counts)).append('\n');
    }
  }

  private static Optional<Summary> find(List<Summary> servers, String name) {
    return servers.stream().filter(s -> s.server().equals(name)).findFirst();
  }
}
