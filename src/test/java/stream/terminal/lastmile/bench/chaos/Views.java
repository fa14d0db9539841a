package stream.terminal.lastmile.bench.chaos;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What subscribers were shown: the first message seen at each (epoch, offset), and the positions at which some
 * subscriber was later shown a different one.
 */
final class Views {
  record Position(String epoch, long offset) {}

  private final Map<Position, String> shown = new ConcurrentHashMap<>();
  /** Each contradicted position, with the other message shown there. */
  private final Map<Position, String> contradicted = new ConcurrentHashMap<>();

  void shown(String epoch, long offset, String payload) {
    Position position = new Position(epoch, offset);
    String first = shown.putIfAbsent(position, payload);
    if (first != null && !first.equals(payload)) {
      contradicted.putIfAbsent(position, payload);
    }
  }

  Map<Position, String> shown() {
    return shown;
  }

  Map<Position, String> contradicted() {
    return contradicted;
  }
}
