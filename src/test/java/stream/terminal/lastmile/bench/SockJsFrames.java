package stream.terminal.lastmile.bench;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * SockJS's framing inside one WebSocket text frame ({@code o} open, {@code h} heartbeat, {@code a[...]} messages,
 * {@code c[code,"reason"]} close) and the event-bus bridge frames it carries, read without a JSON parse: the
 * messages of {@code a[...]} are JSON strings, split at their unescaped quotes, and a bridge frame's stamp and type
 * are found by byte scans, on the escaped text inside a SockJS string or the plain text of the raw
 * {@code /eventbus/websocket} endpoint.
 */
final class SockJsFrames {
  interface Listener {
    void open();

    /** One bridge frame, {@code buf[from, to)}; {@code escaped}: still a JSON string's content. */
    void bridgeFrame(Buffer buf, int from, int to, boolean escaped);

    void close(String frame);
  }

  private static final byte[] ESCAPED_STAMP = "\\\"t\\\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ERR = "\"type\":\"err\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ESCAPED_ERR = "\\\"type\\\":\\\"err\\\"".getBytes(StandardCharsets.US_ASCII);

  private SockJsFrames() {}

  /** @throws IllegalStateException when the frame is not SockJS framing */
  static void read(Buffer buf, int from, int to, Listener listener) {
    if (from == to) {
      throw new IllegalStateException("empty SockJS frame");
    }
    switch (buf.getByte(from)) {
      case 'o' -> listener.open();
      case 'h' -> { } // heartbeat
      case 'a' -> messages(buf, from + 1, to, listener);
      case 'c' -> listener.close(buf.getString(from, to));
      default -> throw new IllegalStateException("not a SockJS frame: " + buf.getString(from, Math.min(to, from + 40)));
    }
  }

  /** {@code ["...","..."]}: each string's content, still escaped, is one bridge frame. */
  private static void messages(Buffer buf, int pos, int to, Listener listener) {
    if (pos >= to || buf.getByte(pos) != '[' || buf.getByte(to - 1) != ']') {
      throw new IllegalStateException("SockJS messages are not an array");
    }
    pos++;
    int end = to - 1;
    while (pos < end) {
      if (buf.getByte(pos) != '"') {
        throw new IllegalStateException("SockJS message is not a string");
      }
      int start = ++pos;
      while (pos < end && buf.getByte(pos) != '"') {
        pos += buf.getByte(pos) == '\\' ? 2 : 1;
      }
      if (pos >= end) {
        throw new IllegalStateException("SockJS message string not closed");
      }
      listener.bridgeFrame(buf, start, pos, true);
      pos++;
      if (pos < end && buf.getByte(pos++) != ',') {
        throw new IllegalStateException("SockJS messages not separated by commas");
      }
    }
  }

  /** The send time in a bridge frame's body, or -1. */
  static long stamp(Buffer buf, int from, int to, boolean escaped) {
    if (!escaped) {
      return Payload.stamp(buf, from, to);
    }
    int at = indexOf(buf, from, to, ESCAPED_STAMP);
    if (at < 0) {
      return -1;
    }
    long value = 0;
    int digits = 0;
    for (int j = at + ESCAPED_STAMP.length; j < to; j++, digits++) {
      byte b = buf.getByte(j);
      if (b < '0' || b > '9') {
        break;
      }
      value = value * 10 + (b - '0');
    }
    return digits > 0 ? value : -1;
  }

  /** True for the bridge's {@code err} frames (refusals). */
  static boolean isError(Buffer buf, int from, int to, boolean escaped) {
    return indexOf(buf, from, to, escaped ? ESCAPED_ERR : ERR) >= 0;
  }

  static int indexOf(Buffer buf, int from, int to, byte[] needle) {
    outer:
    for (int i = from; i <= to - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (buf.getByte(i + j) != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
