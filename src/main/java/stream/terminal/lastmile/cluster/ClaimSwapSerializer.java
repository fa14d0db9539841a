package stream.terminal.lastmile.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;
import java.io.IOException;

/**
 * Writes a {@link ClaimSwap} as its fields (two nullable strings and a long): a keyed publish sends two claim swaps,
 * and Java serialization, Hazelcast's fallback, wrote a stream header and class descriptor with each and read them
 * back reflectively. Registered by {@link HazelcastSetup}; not Java-serializable at all, so the JVM's
 * deserialization filter never sees it.
 */
final class ClaimSwapSerializer implements StreamSerializer<ClaimSwap> {
  /** Hazelcast's id of this serializer; every member must agree on it. */
  static final int TYPE_ID = 0x4C4D02; // "LM", 2

  @Override
  public int getTypeId() {
    return TYPE_ID;
  }

  @Override
  public void write(ObjectDataOutput out, ClaimSwap swap) throws IOException {
    out.writeString(swap.expected());
    out.writeString(swap.next());
    out.writeLong(swap.ttlMs());
  }

  @Override
  public ClaimSwap read(ObjectDataInput in) throws IOException {
    return new ClaimSwap(in.readString(), in.readString(), in.readLong());
  }
}
