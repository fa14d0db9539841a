package stream.terminal.lastmile.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import stream.terminal.lastmile.protocol.ChannelMessage;

/**
 * Puts one channel's messages back in offset order as a node receives them. Messages can arrive out of order
 * when two ingest nodes publish at once, or go missing when an ingest node dies between storing a message and
 * putting it on the bus; this releases them strictly in order and says which hole needs filling from the
 * backlog. Not thread-safe: the hub uses it on its own context.
 */
final class Sequencer {
  private final TreeMap<Long, ChannelMessage> early = new TreeMap<>();
  private String epoch;
  private long next;

  /** Starts at {@code next} (the first offset not yet released) of {@code epoch}. */
  Sequencer(String epoch, long next) {
    this.epoch = epoch;
    this.next = next;
  }

  /** The messages this one releases, in order; empty when it waits for an earlier one (or was already released). */
  List<ChannelMessage> accept(ChannelMessage message) {
    if (!message.epoch().equals(epoch)) {
      // the channel's history was lost and it started again: nothing of the old epoch can still come
      epoch = message.epoch();
      early.clear();
      next = message.offset();
    }
    if (message.offset() < next) {
      return List.of(); // a duplicate, or a hole already given up on
    }
    early.put(message.offset(), message);
    return drain();
  }

  /** Messages read from the backlog for a hole: released in order with whatever they unblock. */
  List<ChannelMessage> fill(List<ChannelMessage> backlog) {
    for (ChannelMessage m : backlog) {
      if (m.epoch().equals(epoch) && m.offset() >= next) {
        early.putIfAbsent(m.offset(), m);
      }
    }
    return drain();
  }

  /**
   * Gives up on the hole: releases everything waiting, from the oldest, and returns how many offsets were
   * skipped (the backlog no longer had them).
   */
  long skip(List<ChannelMessage> released) {
    if (early.isEmpty()) {
      return 0;
    }
    long skipped = early.firstKey() - next;
    next = early.firstKey();
    released.addAll(drain());
    return skipped;
  }

  /** The epoch whose offsets it counts. */
  String epoch() {
    return epoch;
  }

  /** True when messages wait behind a hole. */
  boolean waiting() {
    return !early.isEmpty();
  }

  /** The first offset not yet released: the start of the hole when {@link #waiting()}. */
  long next() {
    return next;
  }

  /** How many offsets the hole spans (up to the first message waiting). */
  int holeSize() {
    return early.isEmpty() ? 0 : (int) Math.min(Integer.MAX_VALUE, early.firstKey() - next);
  }

  private List<ChannelMessage> drain() {
    List<ChannelMessage> out = new ArrayList<>();
    while (!early.isEmpty() && early.firstKey() == next) {
      out.add(early.pollFirstEntry().getValue());
      next++;
    }
    return out;
  }
}
