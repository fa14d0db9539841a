package stream.terminal.lastmile.bench;

import io.vertx.core.buffer.Buffer;

/**
 * Undoes HTTP/1.1 chunked transfer coding (RFC 9112, section 7.1) of a response body as its pieces arrive, handing
 * the chunks' data on as ranges of those pieces: nothing is copied but a chunk-size line split across pieces.
 * Chunk extensions are skipped; trailers are read and dropped.
 */
final class ChunkedReader {
  /** A chunk-size line (size and extensions) longer than this is not chunked coding. */
  private static final int MAX_SIZE_LINE = 1024;

  interface Listener {
    /** Body bytes, {@code buf[from, to)}, valid during the call only. */
    void data(Buffer buf, int from, int to);

    /** The last chunk and its trailers have arrived: the body is complete. */
    void end();
  }

  private enum State { SIZE, DATA, DATA_END, TRAILER, DONE }

  private final Listener listener;
  private State state = State.SIZE;
  private final StringBuilder line = new StringBuilder();
  private long remaining;

  ChunkedReader(Listener listener) {
    this.listener = listener;
  }

  /** @throws IllegalStateException when the body is not valid chunked coding */
  void feed(Buffer buf, int from, int to) {
    int pos = from;
    while (pos < to && state != State.DONE) {
      switch (state) {
        case SIZE, TRAILER -> pos = line(buf, pos, to);
        case DATA -> {
          int n = (int) Math.min(remaining, to - pos);
          listener.data(buf, pos, pos + n);
          pos += n;
          remaining -= n;
          if (remaining == 0) {
            state = State.DATA_END;
          }
        }
        case DATA_END -> pos = line(buf, pos, to);
        default -> throw new IllegalStateException(state.name());
      }
    }
    if (pos < to) {
      throw new IllegalStateException("bytes after the last chunk");
    }
  }

  /** Reads up to the end of a line; acts on it when it is complete. */
  private int line(Buffer buf, int pos, int to) {
    while (pos < to) {
      byte b = buf.getByte(pos++);
      if (b == '\n') {
        lineDone();
        return pos;
      }
      if (b != '\r') {
        if (line.length() == MAX_SIZE_LINE) {
          throw new IllegalStateException("chunk-size line longer than " + MAX_SIZE_LINE + " bytes");
        }
        line.append((char) b);
      }
    }
    return pos;
  }

  private void lineDone() {
    String text = line.toString();
    line.setLength(0);
    switch (state) {
      case SIZE -> {
        int semicolon = text.indexOf(';');
        String hex = (semicolon < 0 ? text : text.substring(0, semicolon)).strip();
        try {
          remaining = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
          throw new IllegalStateException("bad chunk size: " + text);
        }
        if (remaining < 0 || remaining > FrameReader.MAX_FRAME) {
          throw new IllegalStateException("chunk of " + hex + " (hex) bytes");
        }
        state = remaining == 0 ? State.TRAILER : State.DATA;
      }
      case DATA_END -> {
        if (!text.isEmpty()) {
          throw new IllegalStateException("no line end after a chunk's data");
        }
        state = State.SIZE;
      }
      case TRAILER -> {
        if (text.isEmpty()) {
          state = State.DONE;
          listener.end();
        }
      }
      default -> throw new IllegalStateException(state.name());
    }
  }
}
