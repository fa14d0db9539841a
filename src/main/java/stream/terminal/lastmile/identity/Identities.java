package stream.terminal.lastmile.identity;

import java.util.List;
import stream.terminal.lastmile.core.ChannelPattern;

/** Small checks shared by the identity classes. */
final class Identities {
  private Identities() {}

  static boolean covers(List<ChannelPattern> patterns, String channel) {
    for (ChannelPattern pattern : patterns) {
      if (pattern.matches(channel)) {
        return true;
      }
    }
    return false;
  }
}
