package stream.terminal.lastmile.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Medians, totals, ratios and n/a on synthetic runs of three servers; the files the command writes. */
class ReportTest {
  private static final Roles ROLES = new Roles("last-mile", "last-mile-before", "nchan", "floor");

  @TempDir
  Path dir;

  /** Three servers × three fanout runs, and three idle runs each; nchan has no heap, as a non-JVM server. */
  private static List<JsonObject> rows() {
    List<JsonObject> rows = new ArrayList<>();
    double[][] delivered = {{9000, 9100, 8900}, {6000, 5000, 7000}, {12000, 11000, 13000}};
    double[][] p99 = {{300, 100, 200}, {500, 700, 600}, {50, 40, 60}};
    int[][] lost = {{0, 0, 0}, {0, 3, 2}, {0, 0, 0}};
    String[] servers = {"nchan", "last-mile", "floor"};
    int[] order = {1, 0, 2}; // nchan first in the file: the report still lists last-mile first
    for (int run = 0; run < 3; run++) {
      for (int i : order) {
        String server = i == 0 ? "last-mile" : servers[i == 1 ? 0 : 2];
        JsonObject row = new JsonObject().put("scenario", "fanout").put("server", server).put("run", run + 1)
            .put("subscribers", 1000).put("channels", 1).put("mode", "native").put("publish_rate", 1000)
            .put("duration_s", 30).put("published", 30000)
            .put("delivered_per_s", delivered[i][run]).put("p50_us", 100 + i * 10).put("p99_us", p99[i][run])
            .put("p999_us", 900.0).put("max_us", 5000).put("lost", lost[i][run]).put("errors", run == 0 ? 1 : 0)
            .put("server_cpu_us_per_msg", 2.0 + i).put("server_rss_kib", 102400);
        if (!server.equals("nchan")) {
          row.put("server_heap_after_gc_kib", 51200);
        }
        rows.add(row);
        JsonObject idle = new JsonObject().put("scenario", "idle").put("server", server).put("run", run + 1)
            .put("subscribers", 5000).put("published", 0).put("lost", 0).put("errors", 0)
            .put("rss_per_conn_kib", server.equals("last-mile") ? 10 : 4)
            .put("heap_per_conn_kib", server.equals("nchan") ? null : 2.0);
        rows.add(idle);
      }
    }
    return rows;
  }

  private static List<Summary> summaries(List<JsonObject> rows) {
    List<Summary> summaries = new ArrayList<>(Summary.of(rows));
    summaries.sort(Summary.order(ROLES));
    return summaries;
  }

  private static Summary find(List<Summary> summaries, String scenario, String server) {
    return summaries.stream().filter(s -> s.scenario().equals(scenario) && s.server().equals(server))
        .findFirst().orElseThrow();
  }

  @Test
  void mediansOverOddAndEvenCounts() {
    List<JsonObject> rows = rows();
    // a fourth floor run: four values, the median is the mean of the middle two
    rows.add(new JsonObject().put("scenario", "fanout").put("server", "floor").put("subscribers", 1000)
        .put("p99_us", 70).put("delivered_per_s", null));
    List<Summary> summaries = summaries(rows);
    assertEquals(OptionalDouble.of(200), find(summaries, "fanout", "last-mile").median("p99_us"));
    assertEquals(OptionalDouble.of(6000), find(summaries, "fanout", "nchan").median("delivered_per_s"));
    Summary floor = find(summaries, "fanout", "floor");
    assertEquals(4, floor.runs());
    assertEquals(OptionalDouble.of(55), floor.median("p99_us"));
    assertEquals(OptionalDouble.of(12000), floor.median("delivered_per_s"), "null is left out, not a zero");
    assertTrue(find(summaries, "fanout", "nchan").median("server_heap_after_gc_kib").isEmpty());
    assertEquals(List.of("last-mile", "nchan", "floor"),
        summaries.stream().filter(s -> s.scenario().equals("fanout")).map(Summary::server).toList());
  }

  @Test
  void lostAndErrorsAreTotalsNotMedians() {
    Summary nchan = find(summaries(rows()), "fanout", "nchan");
    assertEquals(OptionalDouble.of(5), nchan.total("lost"));
    assertEquals(OptionalDouble.of(1), nchan.total("errors"));
    String markdown = ResultsMarkdown.render(summaries(rows()), ROLES);
    assertEquals("5", cell(markdown, "fanout, 1,000 subscribers", "nchan", "lost"));
    assertEquals("1", cell(markdown, "fanout, 1,000 subscribers", "nchan", "errors"));
  }

  @Test
  void ratiosOfTheSubjectToBaselineAndFloor() {
    String markdown = ResultsMarkdown.render(summaries(rows()), ROLES);
    String fanout = "fanout, 1,000 subscribers";
    assertEquals("1.50×", cell(markdown, fanout, "last-mile / nchan", "delivered msgs/s"));
    assertEquals("0.33×", cell(markdown, fanout, "last-mile / nchan", "p99"));
    assertEquals("0.75×", cell(markdown, fanout, "last-mile / floor", "delivered msgs/s"));
    assertEquals("4.00×", cell(markdown, fanout, "last-mile / floor", "p99"));
    assertEquals("0.67×", cell(markdown, fanout, "last-mile / nchan", "server CPU µs/msg"));
    assertEquals("2.50×", cell(markdown, "idle, 5,000 subscribers", "last-mile / nchan", "RSS/conn"));
  }

  @Test
  void ratiosOfTheSubjectToItsBeforeRevisionComeFirst() {
    List<JsonObject> rows = new ArrayList<>(rows());
    for (int run = 1; run <= 3; run++) {
      rows.add(new JsonObject().put("scenario", "fanout").put("server", "last-mile-before").put("run", run)
          .put("subscribers", 1000).put("lost", 0).put("errors", 0).put("p99_us", 800 + run)
          .put("delivered_per_s", 50_000).put("server_cpu_us_per_msg", 4.0));
    }

    String markdown = ResultsMarkdown.render(summaries(rows), ROLES);

    String fanout = "fanout, 1,000 subscribers";
    assertEquals("0.25×", cell(markdown, fanout, "last-mile / last-mile-before", "p99"));
    assertEquals("0.50×", cell(markdown, fanout, "last-mile / last-mile-before", "server CPU µs/msg"));
    assertTrue(markdown.indexOf("| last-mile / last-mile-before") < markdown.indexOf("| last-mile / nchan"), markdown);
    assertTrue(markdown.indexOf("| last-mile-before ") < markdown.indexOf("| nchan "), markdown);
  }

  @Test
  void transportsOfOneScenarioSideBySide() {
    List<JsonObject> rows = new ArrayList<>(rows());
    for (String[] run : new String[][] {{"fanout-sse", "last-mile", "4.0"}, {"fanout-sse", "nchan", "6.0"},
        {"fanout-sockjs", "last-mile", "5.0"}}) {
      rows.add(new JsonObject().put("scenario", run[0]).put("server", run[1]).put("run", 1).put("subscribers", 1000)
          .put("lost", 0).put("errors", 0).put("p99_us", 400).put("server_cpu_us_per_msg", Double.parseDouble(run[2])));
    }

    String markdown = ResultsMarkdown.render(summaries(rows), ROLES);

    String heading = "fanout by transport, 1,000 subscribers";
    assertEquals("2.00×", cell(markdown, heading, "last-mile, sse", "CPU µs/msg / websocket"));
    assertEquals("2.50×", cell(markdown, heading, "last-mile, sockjs", "CPU µs/msg / websocket"));
    assertEquals("1.00×", cell(markdown, heading, "last-mile, websocket", "CPU µs/msg / websocket"));
    assertEquals("2.00×", cell(markdown, heading, "nchan, sse", "CPU µs/msg / websocket"));
    assertEquals("0.90", cell(markdown, heading, "floor, websocket", "p99.9 ms"));
    assertFalse(markdown.contains("## idle by transport"), "idle ran over one transport only");
    // the per-scenario sections stay as they were
    assertEquals("0.67×", cell(markdown, "fanout, 1,000 subscribers", "last-mile / nchan", "server CPU µs/msg"));
  }

  @Test
  void missingFiguresPrintNa() {
    String markdown = ResultsMarkdown.render(summaries(rows()), ROLES);
    assertEquals("n/a", cell(markdown, "fanout, 1,000 subscribers", "nchan", "heap after GC MiB"));
    assertEquals("50.0", cell(markdown, "fanout, 1,000 subscribers", "last-mile", "heap after GC MiB"));
    assertEquals("n/a", cell(markdown, "idle, 5,000 subscribers", "nchan", "heap/conn KiB"));
    assertEquals("0.20", cell(markdown, "fanout, 1,000 subscribers", "last-mile", "p99 ms"));
    assertTrue(markdown.contains("- last-mile: 100,000 connections → RSS 976.6 MiB, heap 195.3 MiB; "
        + "1,000,000 connections → RSS 9.54 GiB, heap 1.91 GiB\n"), markdown);
    assertTrue(markdown.contains(
        "- nchan: 100,000 connections → RSS 390.6 MiB; 1,000,000 connections → RSS 3.81 GiB\n"));
  }

  @Test
  void partialRunsDoNotBreakTheReport() {
    List<JsonObject> rows = List.of(
        new JsonObject().put("scenario", "throughput").put("server", "last-mile"),
        new JsonObject().put("server", "nchan").put("p99_us", "fast").put("lost", null));
    String markdown = ResultsMarkdown.render(summaries(rows), ROLES);
    assertEquals("n/a", cell(markdown, "throughput, subscribers n/a", "last-mile", "lost"));
    assertEquals("n/a", cell(markdown, "unknown, subscribers n/a", "nchan", "lost"));
    assertFalse(markdown.contains("| ratio"), "no ratio without the subject and another server in one section");
  }

  @Test
  void writesResultsAndPlot() throws Exception {
    Path input = dir.resolve("runs.jsonl");
    List<JsonObject> rows = rows();
    // a blank line, then a line cut short, as a crashed run leaves it
    String lines = rows.stream().map(JsonObject::encode).collect(Collectors.joining("\n"));
    Files.writeString(input, lines + "\n\n{\"scenario\":\"fanout\",\"server\":\n");
    Path out = dir.resolve("report");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int status = Report.run(List.of("--out", out.toString(), input.toString()),
        new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
    assertEquals(0, status, stderr.toString(StandardCharsets.UTF_8));
    assertTrue(stderr.toString(StandardCharsets.UTF_8).contains("runs.jsonl:" + (rows.size() + 2) + ": skipped"));
    String markdown = Files.readString(out.resolve("results.md"));
    assertEquals(markdown, stdout.toString(StandardCharsets.UTF_8));
    assertTrue(markdown.contains("## fanout, 1,000 subscribers"));
    BufferedImage png = ImageIO.read(out.resolve("benchmarks.png").toFile());
    assertNotNull(png, "a PNG ImageIO can read");
    assertEquals(BenchmarkPlot.WIDTH, png.getWidth());
    assertEquals(BenchmarkPlot.HEIGHT, png.getHeight());
  }

  @Test
  void noPlotWithoutFiguresToPlot() throws Exception {
    Path input = dir.resolve("cluster.jsonl");
    Files.writeString(input, "{\"scenario\":\"cluster\",\"server\":\"last-mile\",\"p99_us\":100}\n");
    Path out = dir.resolve("report");
    Files.createDirectories(out);
    Files.writeString(out.resolve("benchmarks.png"), "an older report's plot");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertEquals(0, Report.run(List.of("--out", out.toString(), input.toString()), quiet, quiet));
    assertTrue(Files.exists(out.resolve("results.md")));
    assertFalse(Files.exists(out.resolve("benchmarks.png")));
    assertEquals(2, Report.run(List.of(input.toString()), quiet, quiet), "no --out");
  }

  /** The cell in column {@code header} of the row labelled {@code label}, in the section {@code heading}. */
  private static String cell(String markdown, String heading, String label, String header) {
    List<String> lines = markdown.lines().toList();
    int line = lines.indexOf("## " + heading);
    assertTrue(line >= 0, "no section " + heading + " in\n" + markdown);
    List<String> headers = null;
    for (String text : lines.subList(line + 1, lines.size())) {
      if (text.startsWith("## ")) {
        break;
      }
      if (!text.startsWith("|")) {
        headers = null;
        continue;
      }
      List<String> cells = Arrays.stream(text.split("\\|")).skip(1).map(String::strip).toList();
      if (headers == null) {
        headers = cells;
      } else if (cells.get(0).equals(label) && headers.contains(header)) {
        return cells.get(headers.indexOf(header));
      }
    }
    throw new AssertionError("no " + label + " / " + header + " in section " + heading + ":\n" + markdown);
  }
}
