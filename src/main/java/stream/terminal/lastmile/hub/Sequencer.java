package stream.terminal.lastmile.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import stream.terminal.lastmile.core.ChannelMessage;

/**
 * Puts one channel's messages back in offset order as a node receives them. Messages can arrive out of order
 * when two ingest nodes publish at once, or go missing when an ingest node dies between storing a message and
 * putting it on the bus; this releases them strictly in order and says which hole needs filling from the
 * backlog. It keeps one epoch until told to {@link #restart}: a message of another epoch is ignored here, so a
 * peer that puts a made-up epoch on the bus cannot make it drop what it holds. Not thread-safe: the hub uses it
 * on its own context.
 */
final class Sequencer {
  private final TreeMap<Long, ChannelMessage> early = new TreeMap<>();
  private final int maxEarly;
  private final LongConsumer overflow;
  private String epoch;
  private long next;

  /**
   * Starts at {@code next} (the first offset not yet released) of {@code epoch}.
   *
   * @param maxEarly how many messages may wait behind a hole: a broken or hostile peer that sends offsets far
   *     ahead must not grow this buffer without bound. Past it the furthest offsets are dropped (and counted
   *     through {@code overflow}); those that were real come back from the backlog when their hole is read.
   */
  Sequencer(String epoch, long next, int maxEarly, LongConsumer overflow) {
    this.epoch = epoch;
    this.next = next;
    this.maxEarly = maxEarly;
    this.overflow = overflow;
  }

  String epoch() {
    return epoch;
  }

  /**
   * The channel's history was lost and it started again under {@code newEpoch} (the caller checked that the
   * registry knows it): nothing of the old epoch can still come.
   */
  void restart(String newEpoch, long first) {
    epoch = newEpoch;
    early.clear();
    next = first;
  }

  /**
   * The messages this one releases, in order; empty when it waits for an earlier one, was already released, or
   * belongs to another epoch.
   */
  List<ChannelMessage> accept(ChannelMessage message) {
    if (!message.epoch().equals(epoch) || message.offset() < next) {
      return List.of(); // another epoch, a duplicate, or a hole already given up on
    }
    if (early.size() >= maxEarly && !early.containsKey(message.offset())) {
      if (message.offset() > early.lastKey()) {
        overflow.accept(1);
        return List.of();
      }
      early.pollLastEntry();
      overflow.accept(1);
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
   * Drops waiting messages whose offsets the channel has not reached ({@code lastOffset} as the registry gave
   * it after they arrived): no publisher numbered them, so they are forged or corrupt, and skipping the hole up
   * to them would make the node drop the real messages of those offsets. Returns how many were dropped.
   */
  int dropBeyond(long lastOffset) {
    int dropped = 0;
    while (!early.isEmpty() && early.lastKey() > lastOffset) {
      early.pollLastEntry();
      dropped++;
    }
    return dropped;
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
