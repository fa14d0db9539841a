package stream.terminal.lastmile.bench.abuse;

import java.util.List;
import java.util.Locale;
import stream.terminal.lastmile.bench.Format;
import stream.terminal.lastmile.bench.MarkdownTable;

/** The harness's results as a markdown table, one row per attack (the columns are explained in docs/security.md). */
final class AbuseTable {
  private static final List<String> HEADERS = List.of("attack", "RSS before/peak", "fds before/peak",
      "CPU quiet/during", "refusals and disconnects", "subscriber p99 quiet/during", "lost", "new subscriber",
      "what the attack did and saw");

  private AbuseTable() {}

  static String render(List<AttackReport> reports) {
    MarkdownTable table = new MarkdownTable(HEADERS, HEADERS.size());
    for (AttackReport r : reports) {
      table.row(List.of(
          r.attack(),
          mib(r.rssBeforeKib()) + " / " + mib(r.rssPeakKib()),
          count(r.fdsBefore()) + " / " + count(r.fdsPeak()),
          percent(r.cpuQuietPct()) + " / " + percent(r.cpuDuringPct()),
          r.refusals(),
          ms(r.p99QuietUs()) + " / " + ms(r.p99DuringUs()),
          Long.toString(r.lost()) + (r.subscriberDropped() == null ? "" : " (dropped: " + r.subscriberDropped() + ")"),
          r.nodeAlive() ? r.newSubscriber() : "node down",
          r.outcome().replace("|", "/")));
    }
    return table.render();
  }

  static String mib(long kib) {
    return kib < 0 ? Format.NA : Format.size(kib);
  }

  static String count(long value) {
    return value < 0 ? Format.NA : Format.count(value);
  }

  static String percent(double value) {
    return value < 0 ? Format.NA : String.format(Locale.ROOT, "%.0f%%", value);
  }

  static String ms(long micros) {
    return micros < 0 ? Format.NA : String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
  }
}
