package stream.terminal.lastmile.cluster;

import java.io.Serializable;

/**
 * A channel as the cluster stores it: identity plus the offset of its last message. A channel with a backlog
 * takes its offsets from its ringbuffer instead: for it {@code lastOffset} is 1 once the backlog has held a
 * message of the current epoch, which tells a backlog that starts over after losing both its copies from a new
 * one ({@link BacklogRestart}).
 */
record ChannelRecord(String epoch, long createdAt, long lastOffset) implements Serializable {
  boolean backlogUsed() {
    return lastOffset > 0;
  }

  ChannelRecord advance(int count) {
    return new ChannelRecord(epoch, createdAt, lastOffset + count);
  }
}
