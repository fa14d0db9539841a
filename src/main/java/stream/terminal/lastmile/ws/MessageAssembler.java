package stream.terminal.lastmile.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Joins the fragments of one message, so that the size limit holds however a client fragments it: once the
 * message passes the limit, nothing more of it is kept. A connection has one only while a fragmented message is
 * arriving; an unfragmented message never needs one. The decoder guarantees the order (a first fragment, then
 * continuations, the last one final).
 */
final class MessageAssembler {
  private final int maxBytes;
  private final boolean text;
  private CompositeByteBuf parts;

  /** Starts a message with its first, non-final fragment (retained). */
  MessageAssembler(ByteBuf first, boolean text, int maxBytes) {
    this.maxBytes = maxBytes;
    this.text = text;
    this.parts = Unpooled.compositeBuffer(Integer.MAX_VALUE);
    append(first);
  }

  /**
   * Adds a continuation (retained); false once the message passed the limit, after which everything is
   * released.
   */
  boolean append(ByteBuf fragment) {
    if (parts == null) {
      return false;
    }
    parts.addComponent(true, fragment.retain());
    if (parts.readableBytes() > maxBytes) {
      release();
      return false;
    }
    return true;
  }

  boolean text() {
    return text;
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
