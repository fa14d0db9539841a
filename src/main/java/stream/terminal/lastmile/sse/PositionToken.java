package stream.terminal.lastmile.sse;

import java.util.LinkedHashMap;
import java.util.Map;
import stream.terminal.lastmile.core.ChannelNames;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.Position;

/**
 * The SSE event id: the position of every channel of a stream, {@code chanA:EPOCH:OFFSET,chanB:EPOCH:OFFSET}, so
 * that one {@code Last-Event-ID} resumes them all. Channel names may contain {@code :} but never {@code ,}, and an
 * epoch never contains {@code :}, so each entry is read from the right.
 */
final class PositionToken {
  private PositionToken() {}

  static String format(Map<String, Position> positions) {
    StringBuilder token = new StringBuilder(positions.size() * 40);
    positions.forEach((channel, p) -> {
      if (!token.isEmpty()) {
        token.append(',');
      }
      token.append(channel).append(':').append(p.epoch()).append(':').append(p.offset());
    });
    return token.toString();
  }

  /**
   * @param maxEntries the most channels a token may name
   * @throws GatewayException {@code bad_request} naming what is wrong with it
   */
  static Map<String, Position> parse(String token, int maxEntries) {
    Map<String, Position> positions = new LinkedHashMap<>();
    String[] entries = token.split(",", maxEntries + 1);
    if (entries.length > maxEntries) {
      throw bad("names more than " + maxEntries + " channels");
    }
    for (String entry : entries) {
      int offsetAt = entry.lastIndexOf(':');
      int epochAt = offsetAt <= 0 ? -1 : entry.lastIndexOf(':', offsetAt - 1);
      if (epochAt <= 0 || epochAt + 1 == offsetAt) {
        throw bad("entries are channel:epoch:offset");
      }
      String channel = entry.substring(0, epochAt);
      if (!ChannelNames.isValid(channel)) {
        throw bad("names an invalid channel");
      }
      Position position = new Position(entry.substring(epochAt + 1, offsetAt), offset(entry.substring(offsetAt + 1)));
      if (positions.put(channel, position) != null) {
        throw bad("names channel '" + channel + "' twice");
      }
    }
    return positions;
  }

  /** The {@code since} parameter of a one-channel stream: {@code epoch:offset}. */
  static Position since(String value) {
    int at = value.lastIndexOf(':');
    if (at <= 0 || value.indexOf(':') != at) {
      throw new GatewayException(ErrorCode.BAD_REQUEST, "'since' must be epoch:offset");
    }
    try {
      return new Position(value.substring(0, at), nonNegative(value.substring(at + 1)));
    } catch (NumberFormatException e) {
      throw new GatewayException(ErrorCode.BAD_REQUEST, "'since' must be epoch:offset, the offset an integer >= 0");
    }
  }

  private static long offset(String text) {
    try {
      return nonNegative(text);
    } catch (NumberFormatException e) {
      throw bad("offsets are integers >= 0");
    }
  }

  private static long nonNegative(String text) {
    long n = Long.parseLong(text);
    if (n < 0 || text.startsWith("+")) {
      throw new NumberFormatException(text);
    }
    return n;
  }

  private static GatewayException bad(String what) {
    return new GatewayException(ErrorCode.BAD_REQUEST, "the last event id " + what);
  }
}
