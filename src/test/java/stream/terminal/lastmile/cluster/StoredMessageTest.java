package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Signature;

/**
 * A stored message's serialized form, as Hazelcast's Java serializer writes it into a ringbuffer and sends it to
 * another member: a signed one keeps its signature, an unsigned one is the same bytes as before signatures.
 */
class StoredMessageTest {
  /** A stored message as versions before signatures wrote it. */
  record Before(long ts, String data) implements Serializable {}

  private static byte[] serialize(Object value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  private static Object deserialize(byte[] bytes) throws Exception {
    DeserializationFilter.install();
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    }
  }

  /** The same stream with its class descriptor naming another class, as another version's node would write it. */
  private static byte[] renamed(byte[] stream, Class<?> from, Class<?> to) throws Exception {
    byte[] old = utf(from.getName());
    byte[] fresh = utf(to.getName());
    for (int i = 0; i <= stream.length - old.length; i++) {
      if (Arrays.equals(stream, i, i + old.length, old, 0, old.length)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(stream, 0, i);
        out.write(fresh);
        out.write(stream, i + old.length, stream.length - i - old.length);
        return out.toByteArray();
      }
    }
    throw new AssertionError(from.getName() + " not in the stream");
  }

  private static byte[] utf(String s) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new DataOutputStream(bytes).writeUTF(s);
    return bytes.toByteArray();
  }

  @Test
  void aSignedMessageKeepsItsSignature() throws Exception {
    Stored signed = Stored.of(5, "{\"a\":1}", new Signature("signer-1", "A".repeat(86)), null);
    Stored back = (Stored) deserialize(serialize(signed));
    assertEquals(signed, back);
    assertEquals(new Signature("signer-1", "A".repeat(86)), back.signature());
  }

  @Test
  void anUnsignedMessageIsStoredExactlyAsBeforeSignatures() throws Exception {
    Stored unsigned = Stored.of(5, "{\"a\":1}", null, null);
    assertNull(((Stored) deserialize(serialize(unsigned))).signature());
    byte[] before = renamed(serialize(new Before(5, "{\"a\":1}")), Before.class, StoredMessage.class);
    assertArrayEquals(before, serialize(unsigned), "same bytes: no growth, and either version reads the other's");
  }

  @Test
  void aProtobufMessageKeepsItsBinaryFormThroughTheDeserializationFilter() throws Exception {
    byte[] value = {8, (byte) 0x96, 1, 0, (byte) 0xff};
    ProtoPayload proto = new ProtoPayload("type.googleapis.com/lastmile.test.Indicator", value);
    Stored stored = Stored.of(5, "{\"a\":1}", null, proto);
    Stored back = (Stored) deserialize(serialize(stored));
    assertEquals(ProtoStoredMessage.class, back.getClass());
    assertEquals(proto, back.proto());
    assertEquals("{\"a\":1}", back.data());
    assertNull(back.signature());
  }

  @Test
  void aSignedProtobufMessageIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Stored.of(5, "{}", new Signature("k", "s"),
        new ProtoPayload("type.googleapis.com/x.Y", new byte[1])));
  }
}
