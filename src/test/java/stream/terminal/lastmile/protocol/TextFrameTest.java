package stream.terminal.lastmile.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A frame's bytes are shared by every write: each write's view reads on its own, and no write can free them. */
class TextFrameTest {
  private static String bytes(ByteBuf view) {
    return view.toString(view.readerIndex() + 2, view.readableBytes() - 2, StandardCharsets.UTF_8);
  }

  @Test
  void eachWriteReadsItsOwnView() {
    TextFrame frame = TextFrame.shared("{\"type\":\"message\"}");
    ByteBuf first = frame.share();
    ByteBuf second = frame.share();
    assertEquals(0x81, first.getUnsignedByte(first.readerIndex()), "FIN and text opcode");
    assertEquals(18, first.getByte(first.readerIndex() + 1), "unmasked payload length");
    first.skipBytes(5); // as a partial send() advances its write's view
    assertEquals(20, second.readableBytes());
    assertEquals("{\"type\":\"message\"}", bytes(second));
    assertEquals(15, first.readableBytes());
  }

  @Test
  void releasingViewsNeverFreesTheFrame() {
    TextFrame frame = TextFrame.shared("shared by ten thousand writes");
    for (int i = 0; i < 3; i++) {
      ByteBuf view = frame.share();
      // a written view is released once, a failed one possibly again by whoever cleans up after it
      view.release();
      view.release();
    }
    assertEquals("shared by ten thousand writes", bytes(frame.share()));
    assertEquals("shared by ten thousand writes", frame.toString());
  }

  @Test
  void aLongPayloadGetsTheExtendedLength() {
    String text = "x".repeat(300);
    ByteBuf view = TextFrame.of(text).share();
    assertEquals(126, view.getByte(view.readerIndex() + 1));
    assertEquals(300, view.getUnsignedShort(view.readerIndex() + 2));
    assertEquals(304, view.readableBytes());
  }
}
