package stream.terminal.lastmile.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The guard in front of a real frame decoder, in memory: frames cut anywhere, oversized ones discarded. */
class FrameSizeGuardTest {
  private static final int MAX = 300;

  private int tooLarge;

  private EmbeddedChannel channel() {
    // the decoder's own cap is the guard's: it would fail on any frame the guard let through too large
    EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameDecoder(
        WebSocketDecoderConfig.newBuilder().expectMaskedFrames(true).maxFramePayloadLength(MAX).build()));
    FrameSizeGuard.install(channel.pipeline(), MAX, () -> tooLarge++);
    return channel;
  }

  /** A masked client text frame. */
  private static byte[] frame(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x81);
    if (payload.length < 126) {
      out.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      out.write(0x80 | 126);
      out.write(payload.length >> 8);
      out.write(payload.length);
    } else {
      out.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) ((long) payload.length >> shift));
      }
    }
    byte[] mask = {9, 8, 7, 6};
    out.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      out.write(payload[i] ^ mask[i % 4]);
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static String nextText(EmbeddedChannel channel) {
    TextWebSocketFrame frame = channel.readInbound();
    try {
      return frame.text();
    } finally {
      frame.release();
    }
  }

  @Test
  void framesWithinTheLimitPassWhereverTheReadsCutThem() {
    byte[] stream = concat(frame("a"), frame("b".repeat(200)), frame("c".repeat(MAX)));
    for (int chunk : new int[] {1, 2, 3, 7, 13, stream.length}) {
      EmbeddedChannel channel = channel();
      for (int at = 0; at < stream.length; at += chunk) {
        channel.writeInbound(Unpooled.wrappedBuffer(stream, at, Math.min(chunk, stream.length - at)));
      }
      assertEquals("a", nextText(channel));
      assertEquals("b".repeat(200), nextText(channel));
      assertEquals("c".repeat(MAX), nextText(channel));
      assertNull(channel.readInbound());
      channel.finishAndReleaseAll();
    }
    assertEquals(0, tooLarge);
  }

  @Test
  void anOversizedFrameIsDiscardedAndTheNextOneStillArrives() {
    byte[] stream = concat(frame("a"), frame("x".repeat(MAX + 1)), frame("y".repeat(70_000)), frame("z"));
    for (int chunk : new int[] {1, 5, 4096, stream.length}) {
      tooLarge = 0;
      EmbeddedChannel channel = channel();
      for (int at = 0; at < stream.length; at += chunk) {
        channel.writeInbound(Unpooled.wrappedBuffer(stream, at, Math.min(chunk, stream.length - at)));
      }
      assertEquals("a", nextText(channel));
      assertEquals("z", nextText(channel));
      assertNull(channel.readInbound());
      assertEquals(2, tooLarge, "chunk " + chunk);
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void anAnnouncedHugeFrameIsToldAtItsHeaderAndNothingIsKept() {
    EmbeddedChannel channel = channel();
    ByteBuf header = Unpooled.buffer().writeByte(0x81).writeByte(0x80 | 127).writeLong(1L << 40).writeInt(0);
    channel.writeInbound(header);
    assertEquals(1, tooLarge);
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[1 << 20]));
    assertNull(channel.readInbound());
    channel.finishAndReleaseAll();
  }
}
