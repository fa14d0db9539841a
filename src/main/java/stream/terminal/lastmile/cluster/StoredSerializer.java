package stream.terminal.lastmile.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.nio.serialization.StreamSerializer;
import java.io.IOException;

/**
 * Writes a {@link Stored} message into a ringbuffer as its fields alone: a variant byte, the timestamp, the data,
 * then what the variant adds. Java serialization, Hazelcast's fallback for these records, wrote a fresh stream
 * header and class descriptor with every item (126 bytes for an unsigned message with 7 bytes of data, 28 here)
 * and read it back reflectively; the ringbuffer keeps and backs up every item, so that was paid per message.
 *
 * <p>Registered for the {@link Stored} interface by {@link HazelcastSetup}, so it takes precedence over Java
 * serialization for all three records. The records stay {@code Serializable}: a node still reads items that a
 * node of an earlier version wrote. A node of an earlier version cannot read items written here (see
 * docs/operations.md, rolling restart).
 *
 * <p>A message stored with an idempotency key has {@link #KEYED} set on its variant byte and the key after its
 * other fields. Items without it are written and read exactly as before; a node of an earlier version refuses a
 * keyed item (an unknown variant), so publishers send keys only once every member runs this version.
 */
final class StoredSerializer implements StreamSerializer<Stored> {
  /** Hazelcast's id of this serializer; every member must agree on it. Positive ids are the user's. */
  static final int TYPE_ID = 0x4C4D01; // "LM", 1
  private static final byte UNSIGNED = 0;
  private static final byte SIGNED = 1;
  private static final byte PROTO = 2;
  /** Set on the variant byte of a message stored with its idempotency key, which follows the other fields. */
  private static final byte KEYED = 0x10;

  @Override
  public int getTypeId() {
    return TYPE_ID;
  }

  @Override
  public void write(ObjectDataOutput out, Stored item) throws IOException {
    String key = item.key();
    Stored stored = item instanceof KeyedStoredMessage keyed ? keyed.message() : item;
    byte variant = stored instanceof SignedStoredMessage ? SIGNED : stored instanceof ProtoStoredMessage ? PROTO : UNSIGNED;
    out.writeByte(key == null ? variant : variant | KEYED);
    out.writeLong(stored.ts());
    out.writeString(stored.data());
    if (stored instanceof SignedStoredMessage m) {
      out.writeString(m.kid());
      out.writeString(m.sig());
    } else if (stored instanceof ProtoStoredMessage m) {
      out.writeString(m.typeUrl());
      out.writeByteArray(m.value());
    }
    if (key != null) {
      out.writeString(key);
    }
  }

  @Override
  public Stored read(ObjectDataInput in) throws IOException {
    byte flags = in.readByte();
    Stored message = read(in, (byte) (flags & ~KEYED));
    return (flags & KEYED) == 0 ? message : new KeyedStoredMessage(message, required(in.readString(), "key"));
  }

  private static Stored read(ObjectDataInput in, byte variant) throws IOException {
    long ts = in.readLong();
    String data = required(in.readString(), "data");
    return switch (variant) {
      case UNSIGNED -> new StoredMessage(ts, data);
      case SIGNED -> new SignedStoredMessage(ts, data, required(in.readString(), "kid"),
          required(in.readString(), "sig"));
      case PROTO -> new ProtoStoredMessage(ts, data, required(in.readString(), "typeUrl"),
          required(in.readByteArray(), "value"));
      default -> throw new HazelcastSerializationException("unknown stored message variant " + variant
          + " (written by a newer last-mile?)");
    };
  }

  private static <T> T required(T value, String field) {
    if (value == null) {
      throw new HazelcastSerializationException("stored message without " + field);
    }
    return value;
  }
}
