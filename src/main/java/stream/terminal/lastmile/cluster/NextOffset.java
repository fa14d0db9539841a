package stream.terminal.lastmile.cluster;

import com.hazelcast.map.EntryProcessor;
import java.io.Serializable;
import java.util.Map;

/**
 * Reserves a channel's next {@code count} offsets where the entry lives. Hazelcast runs an entry processor
 * atomically on the key's owner and copies the result to its backup, so two ingest nodes never get the same offset
 * and a lost member never takes an issued offset back.
 */
record NextOffset(int count) implements EntryProcessor<String, ChannelRecord, ChannelRecord>, Serializable {
  @Override
  public ChannelRecord process(Map.Entry<String, ChannelRecord> entry) {
    ChannelRecord current = entry.getValue();
    if (current == null) {
      return null; // no such channel: leave the map as it is
    }
    ChannelRecord next = current.advance(count);
    entry.setValue(next);
    return next;
  }
}
