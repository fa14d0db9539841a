package stream.terminal.lastmile.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A complete server-to-client WebSocket data frame (RFC 6455: header, then the unmasked payload): a text frame
 * of UTF-8, or a binary one for a subscriber of the Protobuf format ({@link #binary}). Encoded
 * once and written as is to every subscriber of a message. A server frame carries no mask, so its bytes are the
 * same for every connection: each write takes a view of them ({@link #share()}), and for a {@link #shared}
 * frame the kernel reads them from the one off-heap copy, instead of one encoding and one copy per subscriber.
 * The bytes carry no reference count that matters: no write releases them, and the garbage collector frees them
 * once no frame or pending write refers to them.
 */
public final class TextFrame {
  private final ByteBuf wire;
  private final int payloadLength;

  private TextFrame(ByteBuf wire, int payloadLength) {
    this.wire = wire;
    this.payloadLength = payloadLength;
  }

  /** A frame written to one connection (a reply, a replayed message): on the heap, nothing to set up. */
  public static TextFrame of(String text) {
    return encode(text, false);
  }

  /**
   * A frame written to many connections: off-heap, so that no write copies it to a native buffer first. A JDK
   * direct buffer is freed by the garbage collector once no frame or pending write refers to it, so neither the
   * fan-out nor a held catch-up frame has to count references. Its allocation costs more than a heap array's:
   * worth it only when the frame is shared.
   */
  public static TextFrame shared(String text) {
    return encode(text, true);
  }

  /** A binary frame (opcode 2), shared like {@link #shared} when {@code shared}, else on the heap like {@link #of}. */
  public static TextFrame binary(byte[] payload, boolean shared) {
    return encode((byte) 0x82, payload, shared);
  }

  private static TextFrame encode(String text, boolean direct) {
    return encode((byte) 0x81, text.getBytes(StandardCharsets.UTF_8), direct);
  }

  /** @param first FIN and the opcode */
  private static TextFrame encode(byte first, byte[] payload, boolean direct) {
    int length = payload.length;
    int header = length < 126 ? 2 : length < 65536 ? 4 : 10;
    ByteBuffer bytes = direct ? ByteBuffer.allocateDirect(header + length) : ByteBuffer.allocate(header + length);
    bytes.put(first);
    if (length < 126) {
      bytes.put((byte) length);
    } else if (length < 65536) {
      bytes.put((byte) 126).putShort((short) length);
    } else {
      bytes.put((byte) 127).putLong(length);
    }
    bytes.put(payload).flip();
    return new TextFrame(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes)), length);
  }

  /**
   * A view of the frame's bytes for one write, with its own reader index; releasing it is a no-op. A retained
   * duplicate would cost two atomic updates of the count every subscriber's view shares, one per write and one
   * per release: on a fan-out to thousands of connections, each such update waits for the stores before it.
   */
  public ByteBuf share() {
    return wire.duplicate();
  }

  /** Appends the payload's bytes to {@code out}, for a transport that wraps them in its own framing (SSE). */
  public void copyPayloadTo(ByteBuf out) {
    int header = wire.readableBytes() - payloadLength;
    out.writeBytes(wire, wire.readerIndex() + header, payloadLength);
  }

  /** The payload's size in bytes. */
  public int length() {
    return payloadLength;
  }

  /** The payload as text (tests and diagnostics; not on the delivery path). */
  @Override
  public String toString() {
    int header = wire.readableBytes() - payloadLength;
    return wire.toString(wire.readerIndex() + header, payloadLength, StandardCharsets.UTF_8);
  }
}
