package stream.terminal.lastmile.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A markdown table, padded so it also reads as plain text. A column holding nothing but "n/a" is left out (a
 * scenario shows what it measured), except the leading columns, which always show.
 */
public final class MarkdownTable {
  private final List<String> headers;
  private final int alwaysShown;
  private final List<List<String>> rows = new ArrayList<>();

  public MarkdownTable(List<String> headers, int alwaysShown) {
    this.headers = headers;
    this.alwaysShown = alwaysShown;
  }

  public MarkdownTable row(List<String> cells) {
    rows.add(cells);
    return this;
  }

  public String render() {
    List<Integer> shown = IntStream.range(0, headers.size())
        .filter(c -> c < alwaysShown || rows.stream().anyMatch(row -> !Format.NA.equals(row.get(c))))
        .boxed()
        .toList();
    List<List<String>> lines = new ArrayList<>();
    lines.add(shown.stream().map(headers::get).toList());
    rows.forEach(row -> lines.add(shown.stream().map(row::get).toList()));
    int[] widths = IntStream.range(0, shown.size())
        .map(c -> Math.max(3, lines.stream().mapToInt(line -> line.get(c).length()).max().orElse(0)))
        .toArray();
    StringBuilder out = new StringBuilder();
    append(out, lines.get(0), widths);
    // labels left, figures right
    append(out, IntStream.range(0, widths.length)
        .mapToObj(c -> c == 0 ? "-".repeat(widths[c]) : "-".repeat(widths[c] - 1) + ":")
        .toList(), widths);
    lines.subList(1, lines.size()).forEach(line -> append(out, line, widths));
    return out.toString();
  }

  private static void append(StringBuilder out, List<String> cells, int[] widths) {
    out.append('|');
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      String pad = " ".repeat(widths[c] - cell.length());
      out.append(' ').append(c == 0 ? cell + pad : pad + cell).append(" |");
    }
    out.append('\n');
  }
}
