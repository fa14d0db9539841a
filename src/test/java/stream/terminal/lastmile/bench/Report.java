package stream.terminal.lastmile.bench;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the load generator's result lines into a comparison of servers: a markdown table per scenario and
 * subscriber count, printed and written to {@code DIR/results.md}, and a plot, {@code DIR/benchmarks.png}.
 *
 * <pre>Report --out DIR [--subject last-mile] [--before last-mile-before] [--baseline nchan] [--floor floor] FILE.jsonl [FILE.jsonl ...]</pre>
 *
 * Each line of a file is one run, a JSON object; a line that is not one is skipped with a warning, so a file
 * cut short by a crashed run still reports its complete lines. Exit status 2 on bad arguments, 1 when a file
 * cannot be read or written.
 */
public final class Report {
  private static final String USAGE =
      "usage: Report --out DIR [--subject last-mile] [--before last-mile-before] [--baseline nchan] [--floor floor] FILE.jsonl [FILE.jsonl ...]";

  record Options(Path out, List<Path> files, Roles roles) {
    static Options parse(List<String> args) {
      Path out = null;
      String subject = "last-mile";
      String before = null;
      String baseline = "nchan";
      String floor = "floor";
      List<Path> files = new ArrayList<>();
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        if (!arg.startsWith("--")) {
          files.add(Path.of(arg));
          continue;
        }
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException(arg + " needs a value");
        }
        String value = args.get(++i);
        switch (arg) {
          case "--out" -> out = Path.of(value);
          case "--subject" -> subject = value;
          case "--before" -> before = value;
          case "--baseline" -> baseline = value;
          case "--floor" -> floor = value;
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      if (out == null || files.isEmpty()) {
        throw new IllegalArgumentException("--out and at least one file are required");
      }
      return new Options(out, List.copyOf(files), new Roles(subject, before == null ? subject + "-before" : before, baseline, floor));
    }
  }

  private Report() {}

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.out, System.err));
  }

  /** Writes the report; returns the exit status. */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("Report: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try {
      List<JsonObject> rows = new ArrayList<>();
      for (Path file : options.files()) {
        rows.addAll(read(file, err));
      }
      List<Summary> summaries = new ArrayList<>(Summary.of(rows));
      summaries.sort(Summary.order(options.roles()));
      String markdown = ResultsMarkdown.render(summaries, options.roles());
      out.print(markdown);
      Files.createDirectories(options.out());
      Files.writeString(options.out().resolve("results.md"), markdown);
      Path png = options.out().resolve("benchmarks.png");
      if (!BenchmarkPlot.write(summaries, png)) {
        // a plot left from an earlier report would pass for this one's
        Files.deleteIfExists(png);
        err.println("Report: no fanout, throughput, many-channels or idle figures; no benchmarks.png");
      }
      return 0;
    } catch (IOException e) {
      err.println("Report: " + e);
      return 1;
    }
  }

  private static List<JsonObject> read(Path file, PrintStream err) throws IOException {
    List<JsonObject> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      try {
        rows.add(new JsonObject(line));
      } catch (DecodeException e) {
        err.println("Report: " + file + ":" + (i + 1) + ": skipped, not a JSON object");
      }
    }
    return rows;
  }
}
