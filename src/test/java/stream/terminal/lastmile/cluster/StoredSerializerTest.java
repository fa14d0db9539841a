package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.SerializationConfig;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import com.hazelcast.internal.serialization.impl.HeapData;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import java.util.List;
import javax.management.BadAttributeValueExpException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.config.ClusterConfig;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Signature;

/**
 * Stored messages through Hazelcast's serialization as a member configured by {@link HazelcastSetup} runs it: what a
 * ringbuffer keeps, backs up and hands to a reader on another member. No member is started.
 */
class StoredSerializerTest {
  private final InternalSerializationService member = service(HazelcastSetup.build(
      new ClusterConfig(true, "c1", "127.0.0.1", null, 5801, List.of("127.0.0.1"), 0, null, 0, null))
      .getSerializationConfig());
  /** A member of an earlier version: Java serialization for stored messages. */
  private final InternalSerializationService earlier = service(new SerializationConfig());

  private static InternalSerializationService service(SerializationConfig config) {
    return new DefaultSerializationServiceBuilder().setConfig(config).build();
  }

  @AfterEach
  void dispose() {
    member.dispose();
    earlier.dispose();
  }

  private static List<Stored> everyVariant() {
    return List.of(
        Stored.of(5, "{\"a\":1}", null, null),
        Stored.of(6, "{\"b\":\"é\"}", new Signature("signer-1", "A".repeat(86)), null),
        Stored.of(7, "{\"c\":150}", null,
            new ProtoPayload("type.googleapis.com/lastmile.test.Indicator", new byte[] {8, (byte) 0x96, 1, 0, -1})));
  }

  @Test
  void everyVariantRoundTripsWithTheStoredSerializerNotJavaSerialization() {
    for (Stored stored : everyVariant()) {
      Data data = member.toData(stored);
      assertEquals(StoredSerializer.TYPE_ID, data.getType(), stored.getClass().getSimpleName());
      Stored back = member.toObject(data);
      assertEquals(stored.getClass(), back.getClass());
      assertEquals(stored.ts(), back.ts());
      assertEquals(stored.data(), back.data());
      assertEquals(stored.signature(), back.signature());
      assertEquals(stored.proto(), back.proto()); // ProtoPayload compares its bytes
    }
  }

  @Test
  void everyVariantKeepsItsIdempotencyKeyAndAnUnkeyedItemIsWrittenAsBefore() {
    for (Stored stored : everyVariant()) {
      Stored keyed = Stored.of(stored.ts(), stored.data(), stored.signature(), stored.proto(), "order-17:a");
      Stored back = member.toObject(member.toData(keyed));
      assertEquals("order-17:a", back.key());
      assertEquals(stored.data(), back.data());
      assertEquals(stored.signature(), back.signature());
      assertEquals(stored.proto(), back.proto());
      assertEquals(null, ((Stored) member.toObject(member.toData(stored))).key());
      assertEquals(member.toData(stored).totalSize() + 4 + "order-17:a".length(),
          member.toData(keyed).totalSize(), "the key costs its length and a length field");
    }
  }

  @Test
  void anItemIsSmallerThanItsJavaSerializedForm() {
    for (Stored stored : everyVariant()) {
      int fields = member.toData(stored).totalSize();
      int java = earlier.toData(stored).totalSize();
      assertTrue(fields + 90 < java, stored.getClass().getSimpleName() + ": " + fields + " vs " + java + " bytes");
    }
  }

  @Test
  void itemsAnEarlierVersionWroteStillRead() {
    DeserializationFilter.install();
    for (Stored stored : everyVariant()) {
      Data written = earlier.toData(stored);
      assertNotEquals(StoredSerializer.TYPE_ID, written.getType());
      Stored back = member.toObject(written);
      assertEquals(stored.data(), back.data());
      assertEquals(stored.signature(), back.signature());
    }
  }

  @Test
  void aJavaSerializedForeignClassIsStillRefused() {
    DeserializationFilter.install();
    Data gadget = earlier.toData(new BadAttributeValueExpException("x"));
    HazelcastSerializationException refused =
        assertThrows(HazelcastSerializationException.class, () -> member.toObject(gadget));
    assertTrue(String.valueOf(refused.getCause()).contains("REJECTED"), String.valueOf(refused.getCause()));
  }

  @Test
  void anUnknownVariantIsAClearErrorNotAWrongMessage() {
    byte[] bytes = member.toData(Stored.of(5, "{}", null, null)).toByteArray();
    // the variant byte follows Hazelcast's 8-byte header (partition hash, type id)
    assertEquals(0, bytes[HeapData.HEAP_DATA_OVERHEAD]);
    bytes[HeapData.HEAP_DATA_OVERHEAD] = 9;
    HazelcastSerializationException refused =
        assertThrows(HazelcastSerializationException.class, () -> member.toObject(new HeapData(bytes)));
    assertTrue(String.valueOf(refused.getMessage()).contains("unknown stored message variant 9")
        || String.valueOf(refused.getCause()).contains("unknown stored message variant 9"), refused.toString());
  }
}
