package stream.terminal.lastmile.bench.chaos;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What subscribers were shown: the first message seen at each (epoch, offset), and the positions at which some
 * subscriber was later shown a different one.
 */
final class Views {
  record Position(String epoch, long offset) {}

  private final Map<Position, String> shown = new ConcurrentHashMap<>();
  private final Set<Position> contradicted = ConcurrentHashMap.newKeySet();

  void shown(String epoch, long offset, String payload) {
    Position position = new Position(epoch, offset);
    String first = shown.putIfAbsent(position, payload);
    if (first != null && !first.equals(payload)) {
      contradicted.add(position);
    }
  }

  Map<Position, String> shown() {
    return shown;
  }

  Set<Position> contradicted() {
    return contradicted;
  }
}
