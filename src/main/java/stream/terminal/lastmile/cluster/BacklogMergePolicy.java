package stream.terminal.lastmile.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.RingbufferMergeData;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import com.hazelcast.spi.merge.SplitBrainMergeTypes.RingbufferMergeTypes;
import java.util.Objects;

/**
 * Merges a backlog's two histories after a split. Hazelcast's default (put-if-absent) keeps the larger cluster's
 * ringbuffer and drops the other's: messages acknowledged on the smaller side would be lost. Here, where the two
 * agree up to one's end, the longer is kept; where they diverged (both sides stored at the same sequences, which
 * the quorum prevents unless {@code cluster.min_members} is 1), the merging side's messages from the first
 * difference on are appended after the existing ones, so the backlog holds every message stored on either side.
 * Those get new offsets: the merging node moves the channel to a new epoch once merged (registry's
 * {@code settleMerge}), so no resume from the old epoch is told it recovered.
 */
public final class BacklogMergePolicy
    implements SplitBrainMergePolicy<RingbufferMergeData, RingbufferMergeTypes, RingbufferMergeData> {

  @Override
  public RingbufferMergeData merge(RingbufferMergeTypes merging, RingbufferMergeTypes existing) {
    if (existing == null) {
      return merging.getValue();
    }
    RingbufferMergeData ours = existing.getValue();
    RingbufferMergeData theirs = merging.getValue();
    long diverged = firstDifference(ours, theirs);
    if (theirs.getTailSequence() < diverged) {
      return ours;
    }
    if (ours.getTailSequence() < diverged) {
      return theirs;
    }
    for (long s = Math.max(diverged, theirs.getHeadSequence()); s <= theirs.getTailSequence(); s++) {
      ours.add(theirs.read(s));
    }
    return ours;
  }

  /** The first sequence both hold with different items, or the one after the shorter's tail. */
  private static long firstDifference(RingbufferMergeData a, RingbufferMergeData b) {
    long to = Math.min(a.getTailSequence(), b.getTailSequence());
    for (long s = Math.max(a.getHeadSequence(), b.getHeadSequence()); s <= to; s++) {
      if (!Objects.equals(a.read(s), b.read(s))) {
        return s;
      }
    }
    return to + 1;
  }

  @Override
  public void writeData(ObjectDataOutput out) {
    // stateless
  }

  @Override
  public void readData(ObjectDataInput in) {
    // stateless
  }
}
