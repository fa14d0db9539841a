package stream.terminal.lastmile.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Fragments in memory: each costs its overhead, the text is checked across them, the parts end in one buffer. */
class MessageAssemblerTest {
  private static final int MAX = 1024;

  private static ByteBuf bytes(int... values) {
    ByteBuf buf = Unpooled.buffer(values.length);
    for (int value : values) {
      buf.writeByte(value);
    }
    return buf;
  }

  @Test
  void emptyFragmentsPassTheLimitByTheirOverhead() {
    MessageAssembler assembler = new MessageAssembler(ByteBufAllocator.DEFAULT, true, MAX);
    int kept = 0;
    while (assembler.append(Unpooled.EMPTY_BUFFER, false) == MessageAssembler.Outcome.KEPT) {
      kept++;
    }
    // the first fragment's overhead is the message's own: MAX / 64 more fit
    assertEquals(MAX / MessageAssembler.FRAGMENT_OVERHEAD + 1, kept);
  }

  @Test
  void aMessageWithinTheLimitIsJoinedIntoOneBuffer() {
    MessageAssembler assembler = new MessageAssembler(ByteBufAllocator.DEFAULT, true, MAX);
    byte[] text = "κόσμε".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < text.length; i++) {
      assertEquals(MessageAssembler.Outcome.KEPT, assembler.append(bytes(text[i] & 0xff), i == text.length - 1));
    }
    ByteBuf message = assembler.message();
    try {
      assertEquals("κόσμε", message.toString(StandardCharsets.UTF_8));
      assertEquals(1, message.nioBufferCount());
    } finally {
      message.release();
    }
  }

  @Test
  void textThatIsNotUtf8FailsAtTheFirstBadFragmentOrAtACutEnd() {
    MessageAssembler bad = new MessageAssembler(ByteBufAllocator.DEFAULT, true, MAX);
    assertEquals(MessageAssembler.Outcome.KEPT, bad.append(bytes(0xed), false));
    assertEquals(MessageAssembler.Outcome.INVALID_UTF8, bad.append(bytes(0xa0), false)); // a surrogate
    MessageAssembler cut = new MessageAssembler(ByteBufAllocator.DEFAULT, true, MAX);
    assertEquals(MessageAssembler.Outcome.INVALID_UTF8, cut.append(bytes(0xe2, 0x82), true));
    MessageAssembler binary = new MessageAssembler(ByteBufAllocator.DEFAULT, false, MAX);
    assertEquals(MessageAssembler.Outcome.KEPT, binary.append(bytes(0xe2, 0x82), true));
    binary.release();
  }
}
