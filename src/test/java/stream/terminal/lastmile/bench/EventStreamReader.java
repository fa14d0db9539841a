package stream.terminal.lastmile.bench;

import io.vertx.core.buffer.Buffer;

/**
 * Reads a {@code text/event-stream} (the HTML Server-Sent Events format) from pieces as they arrive: lines end in
 * LF, CRLF or CR; a blank line ends an event; {@code data:} lines are joined by LF; comments ({@code :...}) are
 * heartbeats and skipped. An event's data is handed out as a range of the piece it arrived in when it has a single
 * {@code data:} line and that line and its blank line came in one piece (the usual case): only events split across
 * pieces or with several data lines are copied. No UTF-8 check and no JSON parse, as {@link FrameReader}.
 */
final class EventStreamReader {
  /** A line longer than this is a broken server or not an event stream: fail instead of buffering. */
  static final int MAX_LINE = 16 * 1024 * 1024;

  interface Listener {
    /**
     * One dispatched event: its data, {@code buf[from, to)}, valid during the call only.
     *
     * @param type the {@code event:} field, or null for the default type ({@code message})
     */
    void event(String type, Buffer buf, int from, int to);
  }

  private final Listener listener;
  /** A line not ended yet, from an earlier piece. */
  private Buffer partial;
  /** The last piece ended in CR: an LF at the start of the next one belongs to that line end. */
  private boolean skipLf;
  private String type;
  /** The event's data while it is one line of the current piece: {@code piece[dataFrom, dataTo)}. */
  private Buffer piece;
  private int dataFrom = -1;
  private int dataTo;
  /** The event's data once it is copied (several lines, or it outlives its piece). */
  private Buffer data;

  EventStreamReader(Listener listener) {
    this.listener = listener;
  }

  /** @throws IllegalStateException when a line passes {@link #MAX_LINE} */
  void feed(Buffer buf, int from, int to) {
    int pos = from;
    if (skipLf && pos < to) {
      skipLf = false;
      if (buf.getByte(pos) == '\n') {
        pos++;
      }
    }
    while (pos < to) {
      int end = lineEnd(buf, pos, to);
      if (end < 0) {
        break;
      }
      if (partial != null) {
        partial.appendBuffer(buf, pos, end - pos);
        Buffer line = partial;
        partial = null;
        line(line, 0, line.length());
      } else {
        line(buf, pos, end);
      }
      pos = end + 1;
      if (buf.getByte(end) == '\r') {
        if (pos == to) {
          skipLf = true;
        } else if (buf.getByte(pos) == '\n') {
          pos++;
        }
      }
    }
    if (pos < to) {
      if (partial == null) {
        partial = Buffer.buffer(Math.max(64, to - pos));
      }
      partial.appendBuffer(buf, pos, to - pos);
      if (partial.length() > MAX_LINE) {
        throw new IllegalStateException("event stream line longer than " + MAX_LINE + " bytes");
      }
    }
    // data still pending refers to this piece, which the caller may reuse: copy it
    if (dataFrom >= 0) {
      data = piece.getBuffer(dataFrom, dataTo);
      dataFrom = -1;
      piece = null;
    }
  }

  void feed(Buffer buf) {
    feed(buf, 0, buf.length());
  }

  private static int lineEnd(Buffer buf, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = buf.getByte(i);
      if (b == '\n' || b == '\r') {
        return i;
      }
    }
    return -1;
  }

  private void line(Buffer buf, int from, int to) {
    if (from == to) {
      dispatch();
      return;
    }
    if (buf.getByte(from) == ':') {
      return;
    }
    int colon = from;
    while (colon < to && buf.getByte(colon) != ':') {
      colon++;
    }
    int value = colon;
    if (value < to) {
      value++;
      if (value < to && buf.getByte(value) == ' ') {
        value++;
      }
    }
    if (is(buf, from, colon, "data")) {
      data(buf, value, to);
    } else if (is(buf, from, colon, "event")) {
      type = buf.getString(value, to);
    }
    // id and retry: the generator never reconnects, so neither matters; unknown fields are ignored (per the spec)
  }

  private void data(Buffer buf, int from, int to) {
    if (data == null && dataFrom < 0) {
      piece = buf;
      dataFrom = from;
      dataTo = to;
      return;
    }
    if (data == null) {
      data = piece.getBuffer(dataFrom, dataTo);
      dataFrom = -1;
      piece = null;
    }
    data.appendByte((byte) '\n').appendBuffer(buf, from, to - from);
  }

  private void dispatch() {
    String eventType = type;
    type = null;
    if (dataFrom >= 0) {
      Buffer buf = piece;
      piece = null;
      int from = dataFrom;
      dataFrom = -1;
      listener.event(eventType, buf, from, dataTo);
    } else if (data != null) {
      Buffer buf = data;
      data = null;
      listener.event(eventType, buf, 0, buf.length());
    }
    // an event without data lines is not dispatched (the spec's rule)
  }

  private static boolean is(Buffer buf, int from, int to, String name) {
    if (to - from != name.length()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (buf.getByte(from + i) != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
