package stream.terminal.lastmile.bus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Signature;

/** Messages cross the cluster's event bus whole, signed or not, in memory. */
class ChannelMessageCodecTest {
  private static final ChannelMessageCodec CODEC = new ChannelMessageCodec();

  /** Encodes behind a prefix, as the event bus writes a body after its own headers. */
  private static ChannelMessage roundTrip(ChannelMessage message) {
    Buffer wire = Buffer.buffer("headers");
    CODEC.encodeToWire(wire, message);
    return CODEC.decodeFromWire("headers".length(), wire);
  }

  @Test
  void aSignedMessageKeepsItsSignature() {
    ChannelMessage signed = new ChannelMessage("prices.é", "ep0ch", 7, 1_764_489_600_000L, "{\"p\":\"✓\"}",
        new Signature("signer-1", "A".repeat(86)));
    assertEquals(signed, roundTrip(signed));
  }

  @Test
  void anUnsignedMessageStaysUnsignedAndTakesNoByteMore() {
    ChannelMessage unsigned = new ChannelMessage("c", "e", 1, 2, "3");
    assertEquals(unsigned, roundTrip(unsigned));
    Buffer wire = Buffer.buffer();
    CODEC.encodeToWire(wire, unsigned);
    assertEquals(4 + 1 + 4 + 1 + 16 + 4 + 1, wire.length());
  }

  @Test
  void aBodyFromANodeWithoutSignaturesReadsAsUnsigned() {
    Buffer earlier = Buffer.buffer();
    for (String s : new String[] {"c", "e"}) {
      earlier.appendInt(s.length()).appendString(s);
    }
    earlier.appendLong(5).appendLong(6);
    byte[] data = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    earlier.appendInt(data.length).appendBytes(data);
    ChannelMessage read = CODEC.decodeFromWire(0, earlier);
    assertEquals(new ChannelMessage("c", "e", 5, 6, "{\"a\":1}"), read);
    assertNull(read.signature());
  }

  @Test
  void aProtobufMessageKeepsItsBinaryFormByteForByte() {
    byte[] value = {0, 1, (byte) 0xff, (byte) 0x80, 10, 0, 0x7f};
    ChannelMessage proto = new ChannelMessage("indicators.rsi", "ep0ch", 9, 10, "{\"v\":1}", null,
        new ProtoPayload("type.googleapis.com/lastmile.test.Indicator", value));
    ChannelMessage back = roundTrip(proto);
    assertEquals(proto, back);
    assertArrayEquals(value, back.proto().value());
    assertNull(back.signature());
  }

  @Test
  void anEmptyProtobufMessageStaysAProtobufMessage() {
    ChannelMessage empty = new ChannelMessage("c", "e", 1, 2, "{}", null, new ProtoPayload("type.googleapis.com/x.Y",
        new byte[0]));
    assertEquals(empty, roundTrip(empty));
  }
}
