package stream.terminal.lastmile.cluster;

import com.hazelcast.map.EntryProcessor;
import java.io.Serializable;
import java.util.Map;

/**
 * Settles a backlog found starting over: a store got sequence 0 (or one at or below what its node stored before),
 * or a read found it empty although it had held messages. A backlog that had held messages and starts over lost
 * both its copies, so its offsets now name other messages: the channel moves to {@code freshEpoch}. A channel's
 * very first store only marks the record ({@link ChannelRecord#backlogUsed()}). Run atomically on the record's
 * owner: of several nodes that find the same loss, the first moves the epoch and the others get its result.
 *
 * @param seenEpoch the epoch the finder stored or read under
 * @param stored true when the finder has just stored (the backlog now holds messages of the returned epoch),
 *     false when it found the backlog empty
 */
record BacklogRestart(String seenEpoch, String freshEpoch, boolean stored)
    implements EntryProcessor<String, ChannelRecord, ChannelRecord>, Serializable {
  @Override
  public ChannelRecord process(Map.Entry<String, ChannelRecord> entry) {
    ChannelRecord current = entry.getValue();
    if (current == null) {
      return null;
    }
    boolean lost = current.backlogUsed() && current.epoch().equals(seenEpoch);
    boolean used = stored || (current.backlogUsed() && !lost);
    ChannelRecord next = new ChannelRecord(lost ? freshEpoch : current.epoch(), current.createdAt(), used ? 1 : 0);
    if (next.equals(current)) {
      return current;
    }
    entry.setValue(next);
    return next;
  }
}
