package stream.terminal.lastmile.bench;

import java.util.Comparator;
import java.util.List;

/**
 * The server a report is about and those it is measured against.
 *
 * @param subject the numerator of every ratio
 * @param before the subject as it was (scripts/bench --before REV): the change's own before/after
 * @param baseline the server to beat (Nchan)
 * @param floor the least a server can do: what is left of a gateway's cost once the gateway is taken out
 */
record Roles(String subject, String before, String baseline, String floor) {

  /** Subject, before, baseline, floor, then the others by name: the same order in every table and plot. */
  Comparator<String> servers() {
    List<String> first = List.of(subject, before, baseline, floor);
    return Comparator.<String>comparingInt(s -> first.contains(s) ? first.indexOf(s) : first.size())
        .thenComparing(Comparator.naturalOrder());
  }

  /** The servers the subject's ratios are taken against, in table order. */
  List<String> references() {
    return List.of(before, baseline, floor);
  }
}
