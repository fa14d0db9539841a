package stream.terminal.lastmile.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Signature;

/**
 * Carries {@link ChannelMessage} on the event bus. Inside one JVM the record itself is handed over (it is
 * immutable), so a local publish costs no copy; across the cluster it travels as length-prefixed UTF-8 fields.
 *
 * <p>A signed message's signature comes last, behind a marker byte; an unsigned message ends with its data, as
 * before signatures existed. The body ends the event bus's wire frame, so a node of an earlier version reads what
 * it knows and drops the signature, and its frames read here as unsigned.
 */
public final class ChannelMessageCodec implements MessageCodec<ChannelMessage, ChannelMessage> {
  public static final String NAME = "last-mile-message";
  /** Marks the signature that follows the data; a later field would take another marker. */
  private static final byte SIGNED = 1;

  @Override
  public void encodeToWire(Buffer buffer, ChannelMessage m) {
    writeString(buffer, m.channel());
    writeString(buffer, m.epoch());
    buffer.appendLong(m.offset()).appendLong(m.ts());
    writeString(buffer, m.data());
    if (m.signature() != null) {
      buffer.appendByte(SIGNED);
      writeString(buffer, m.signature().kid());
      writeString(buffer, m.signature().sig());
    }
  }

  @Override
  public ChannelMessage decodeFromWire(int pos, Buffer buffer) {
    int[] at = {pos};
    String channel = readString(buffer, at);
    String epoch = readString(buffer, at);
    long offset = buffer.getLong(at[0]);
    long ts = buffer.getLong(at[0] + 8);
    at[0] += 16;
    String data = readString(buffer, at);
    Signature signature = null;
    if (at[0] < buffer.length() && buffer.getByte(at[0]) == SIGNED) {
      at[0]++;
      signature = new Signature(readString(buffer, at), readString(buffer, at));
    }
    return new ChannelMessage(channel, epoch, offset, ts, data, signature);
  }

  private static void writeString(Buffer buffer, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  private static String readString(Buffer buffer, int[] at) {
    int length = buffer.getInt(at[0]);
    String s = buffer.getString(at[0] + 4, at[0] + 4 + length, "UTF-8");
    at[0] += 4 + length;
    return s;
  }

  @Override
  public ChannelMessage transform(ChannelMessage m) {
    return m;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
