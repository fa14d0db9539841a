package stream.terminal.lastmile.cluster;

import java.io.Serializable;

/** A channel as the cluster stores it: identity plus the offset of its last message. */
record ChannelRecord(String epoch, long createdAt, long lastOffset) implements Serializable {
  ChannelRecord advance(int count) {
    return new ChannelRecord(epoch, createdAt, lastOffset + count);
  }
}
