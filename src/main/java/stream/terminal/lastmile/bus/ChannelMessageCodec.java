package stream.terminal.lastmile.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Signature;

/**
 * Carries {@link ChannelMessage} on the event bus. Inside one JVM the record itself is handed over (it is
 * immutable), so a local publish costs no copy; across the cluster it travels as length-prefixed UTF-8 fields.
 *
 * <p>Optional fields come after the data, each behind a marker byte: a signed message's signature, a Protobuf
 * message's binary form (type URL, then length-prefixed bytes). An unsigned JSON message ends with its data, as
 * before either existed. The body ends the event bus's wire frame, so a node of an earlier version reads what it
 * knows and drops the rest, and its frames read here without them.
 */
public final class ChannelMessageCodec implements MessageCodec<ChannelMessage, ChannelMessage> {
  public static final String NAME = "last-mile-message";
  /** Marks the signature that follows the data. */
  private static final byte SIGNED = 1;
  /** Marks the Protobuf form that follows the data (and the signature, were there one). */
  private static final byte PROTO = 2;

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
    if (m.proto() != null) {
      buffer.appendByte(PROTO);
      writeString(buffer, m.proto().typeUrl());
      buffer.appendInt(m.proto().value().length).appendBytes(m.proto().value());
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
    ProtoPayload proto = null;
    if (at[0] < buffer.length() && buffer.getByte(at[0]) == PROTO) {
      at[0]++;
      String typeUrl = readString(buffer, at);
      int length = buffer.getInt(at[0]);
      proto = new ProtoPayload(typeUrl, buffer.getBytes(at[0] + 4, at[0] + 4 + length));
      at[0] += 4 + length;
    }
    return new ChannelMessage(channel, epoch, offset, ts, data, signature, proto);
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
