package stream.terminal.lastmile.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Joins the fragments of one message, so that the size limit holds however a client fragments it: once the
 * message passes the limit, nothing more of it is kept. Each fragment counts its payload plus
 * {@link #FRAGMENT_OVERHEAD} bytes, so a flood of empty continuations passes the limit like a large message
 * does, and fragments are copied into one buffer (not kept as components of a composite, whose bookkeeping
 * would grow with their number). A text message is checked for UTF-8 as each fragment arrives. A connection has
 * one only while a fragmented message is arriving; an unfragmented message never needs one. The decoder
 * guarantees the order (a first fragment, then continuations, the last one final).
 */
final class MessageAssembler {
  /** What each fragment costs against max_frame_bytes besides its payload: the work of a frame is not free. */
  static final int FRAGMENT_OVERHEAD = 64;

  /** What an appended fragment did to the message. */
  enum Outcome { KEPT, TOO_LARGE, INVALID_UTF8 }

  private final int maxBytes;
  /** Null for a binary message. */
  private final Utf8Validator utf8;
  private ByteBuf parts;
  private long counted;

  /** Starts a message; append its first, non-final fragment next. */
  MessageAssembler(ByteBufAllocator alloc, boolean text, int maxBytes) {
    this.maxBytes = maxBytes;
    this.utf8 = text ? new Utf8Validator() : null;
    this.parts = alloc.heapBuffer();
  }

  /**
   * Adds a fragment (copied; the caller keeps its own). Anything but {@link Outcome#KEPT} releases the message,
   * after which nothing more is kept. The final fragment's text must also end on a whole code point.
   */
  Outcome append(ByteBuf fragment, boolean last) {
    if (parts == null) {
      return Outcome.TOO_LARGE;
    }
    counted += fragment.readableBytes() + FRAGMENT_OVERHEAD;
    if (counted > maxBytes + FRAGMENT_OVERHEAD) { // the first fragment's overhead is the message's own
      release();
      return Outcome.TOO_LARGE;
    }
    if (utf8 != null && !(utf8.check(fragment) && (!last || utf8.complete()))) {
      release();
      return Outcome.INVALID_UTF8;
    }
    parts.writeBytes(fragment, fragment.readerIndex(), fragment.readableBytes());
    return Outcome.KEPT;
  }

  boolean text() {
    return utf8 != null;
  }

  /** The whole message, once its final fragment is appended; the caller releases it. */
  ByteBuf message() {
    ByteBuf message = parts;
    parts = null;
    return message;
  }

  void release() {
    if (parts != null) {
      parts.release();
      parts = null;
    }
  }
}
