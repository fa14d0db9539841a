package stream.terminal.lastmile.bench;

import io.vertx.core.buffer.Buffer;

/**
 * Reads server-to-client WebSocket frames (RFC 6455, unmasked) from TCP chunks as they arrive. A frame is handed
 * out as a range of the chunk it arrived in; only a frame split across chunks is copied. There is no UTF-8 check
 * and no JSON parse: the load generator must cost far less per message than the server it measures.
 */
final class FrameReader {
  /** Frames larger than this are a broken server or a desynchronised stream: fail instead of buffering. */
  static final int MAX_FRAME = 16 * 1024 * 1024;

  interface Listener {
    /** A text, binary or continuation frame's payload, {@code buf[from, to)}. */
    void data(Buffer buf, int from, int to, boolean fin);

    void ping(Buffer payload);

    void close(int code);
  }

  private final Listener listener;
  private Buffer pending;

  FrameReader(Listener listener) {
    this.listener = listener;
  }

  /** @throws IllegalStateException when the stream is not a valid server frame sequence */
  void feed(Buffer chunk) {
    Buffer buf = chunk;
    if (pending != null) {
      pending.appendBuffer(chunk);
      buf = pending;
      pending = null;
    }
    int pos = 0;
    int end = buf.length();
    int consumed;
    while (pos < end && (consumed = frame(buf, pos, end)) > 0) {
      pos += consumed;
    }
    if (pos < end) {
      pending = buf.getBuffer(pos, end);
    }
  }

  /** @return the bytes the frame at {@code pos} took, or 0 when it is not complete yet */
  private int frame(Buffer buf, int pos, int end) {
    if (end - pos < 2) {
      return 0;
    }
    int b0 = buf.getUnsignedByte(pos);
    int b1 = buf.getUnsignedByte(pos + 1);
    if ((b1 & 0x80) != 0) {
      throw new IllegalStateException("server sent a masked frame");
    }
    int header = 2;
    long length = b1 & 0x7f;
    if (length == 126) {
      if (end - pos < 4) {
        return 0;
      }
      length = buf.getUnsignedShort(pos + 2);
      header = 4;
    } else if (length == 127) {
      if (end - pos < 10) {
        return 0;
      }
      length = buf.getLong(pos + 2);
      header = 10;
    }
    if (length < 0 || length > MAX_FRAME) {
      throw new IllegalStateException("frame of " + length + " bytes");
    }
    if (end - pos - header < length) {
      return 0;
    }
    int from = pos + header;
    int to = from + (int) length;
    switch (b0 & 0x0f) {
      case 0, 1, 2 -> listener.data(buf, from, to, (b0 & 0x80) != 0);
      case 8 -> listener.close(length >= 2 ? buf.getUnsignedShort(from) : 1005);
      case 9 -> listener.ping(buf.getBuffer(from, to));
      case 10 -> { } // pong: nothing to do
      default -> throw new IllegalStateException("unknown opcode " + (b0 & 0x0f));
    }
    return header + (int) length;
  }
}
