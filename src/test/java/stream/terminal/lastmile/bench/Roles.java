package stream.terminal.lastmile.bench;

import java.util.Comparator;
import java.util.List;

/**
 * The server a report is about and the two it is measured against.
 *
 * @param subject the numerator of every ratio
 * @param baseline the server to beat (Nchan)
 * @param floor the least a server can do: what is left of a gateway's cost once the gateway is taken out
 */
record Roles(String subject, String baseline, String floor) {

  /** Subject, baseline, floor, then the others by name: the same order in every table and plot. */
  Comparator<String> servers() {
    List<String> first = List.of(subject, baseline, floor);
    return Comparator.<String>comparingInt(s -> first.contains(s) ? first.indexOf(s) : first.size())
        .thenComparing(Comparator.naturalOrder());
  }
}
