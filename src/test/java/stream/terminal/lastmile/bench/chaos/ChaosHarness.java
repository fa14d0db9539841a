package stream.terminal.lastmile.bench.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;
import stream.terminal.lastmile.bench.MarkdownTable;

/**
 * The partition harness's entry point ({@code scripts/chaos}): runs scenarios one at a time, N runs each, prints
 * one line per run and a table of the sums, also written to {@code <out>/results.md} (one JSON line per run in
 * {@code results.jsonl}). Exits 1 when a run broke an invariant or failed, 2 on bad arguments, 3 when the machine
 * cannot run it (not root, no iptables).
 */
public final class ChaosHarness {
  private ChaosHarness() {}

  public static void main(String[] args) throws Exception {
    List<Scenario> scenarios = new ArrayList<>();
    int runs = 1;
    Path out = Path.of("target", "chaos");
    String clusterOptions = "";
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--runs" -> runs = Integer.parseInt(args[++i]);
          case "--out" -> out = Path.of(args[++i]);
          case "--cluster-options" -> clusterOptions = args[++i];
          default -> scenarios.add(Scenario.of(args[i]));
        }
      }
      if (runs < 1) {
        throw new IllegalArgumentException("--runs must be at least 1");
      }
    } catch (RuntimeException e) {
      System.err.println("chaos: " + e.getMessage());
      System.exit(2);
    }
    if (scenarios.isEmpty()) {
      scenarios.addAll(Arrays.asList(Scenario.values()));
    }
    String unavailable = ChaosRun.unavailable();
    if (unavailable != null) {
      System.err.println("chaos: " + unavailable);
      System.exit(3);
    }
    Files.createDirectories(out);
    Path jsonl = out.resolve("results.jsonl");
    Files.writeString(jsonl, "");
    MarkdownTable table = new MarkdownTable(List.of("scenario", "runs", "held", "acknowledged", "unknown outcomes",
        "refused", "unsettled", "lost", "duplicates", "renumbered", "divergent nodes", "subscriber contradictions",
        "subscribers behind", "time to merge (s)"), 14);
    boolean allHeld = true;
    for (Scenario scenario : scenarios) {
      List<RunFigures> results = new ArrayList<>();
      int failed = 0;
      for (int run = 1; run <= runs; run++) {
        try {
          RunFigures figures = new ChaosRun(scenario, Timings.SCRIPT, System.err::println)
              .run(out.resolve(scenario.label() + "-" + run), clusterOptions);
          results.add(figures);
          Files.writeString(jsonl, figures.json().encode() + "\n", StandardOpenOption.APPEND);
          System.err.println(scenario.label() + " run " + run + ": " + figures);
        } catch (Exception e) {
          failed++;
          System.err.println(scenario.label() + " run " + run + " failed: " + e);
        }
      }
      long held = results.stream().filter(RunFigures::held).count();
      allHeld &= failed == 0 && held == runs;
      table.row(List.of(scenario.label(), String.valueOf(runs), held + (failed > 0 ? " (" + failed + " failed)" : ""),
          sum(results, RunFigures::acknowledged), sum(results, RunFigures::unknown), sum(results, RunFigures::refused),
          sum(results, RunFigures::unsettled), sum(results, RunFigures::lost), sum(results, RunFigures::duplicates),
          sum(results, RunFigures::renumbered), sum(results, RunFigures::divergent),
          sum(results, RunFigures::contradictions), sum(results, RunFigures::behind), mergeTimes(results)));
    }
    String report = "partition harness, " + Instant.now() + "\n\n" + table.render();
    Files.writeString(out.resolve("results.md"), report);
    System.out.println(report);
    System.exit(allHeld ? 0 : 1);
  }

  private static String sum(List<RunFigures> results, ToIntFunction<RunFigures> figure) {
    return String.valueOf(results.stream().mapToInt(figure).sum());
  }

  /** The fastest and slowest merge of the runs; "never" for a run that did not merge within the bound. */
  private static String mergeTimes(List<RunFigures> results) {
    double[] merged = results.stream().mapToDouble(RunFigures::mergeSeconds).filter(s -> s >= 0).sorted().toArray();
    long never = results.size() - merged.length;
    String range = merged.length == 0 ? "" : merged.length == 1 ? String.format("%.1f", merged[0])
        : String.format("%.1f-%.1f", merged[0], merged[merged.length - 1]);
    return never == 0 ? range : (range.isEmpty() ? "" : range + ", ") + never + " never";
  }

}
