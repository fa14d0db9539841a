package stream.terminal.lastmile.channel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import stream.terminal.lastmile.core.ChannelMessage;

/**
 * The byte budget of every backlog of an embedded node. Backlogs are bounded one by one in messages and age, but
 * many channels with large payloads would still fill the heap; past the budget the largest backlogs are cut
 * down to a common size, oldest messages first, until the node is back at 90% of it (so the next appends do not
 * trim again at once). A subscriber resuming from a trimmed message gets {@code recovered: false}, as for any
 * message that left the backlog.
 */
final class BacklogBudget {
  /** What a stored message costs beside its text: the message record, the string's header and array, a slot. */
  static final long MESSAGE_OVERHEAD_BYTES = 96;
  /** Passes over the backlogs before giving up for now; publishes racing the trim may undo part of one. */
  private static final int MAX_PASSES = 3;

  private final long max;
  private final long lowWater;
  private final AtomicLong used = new AtomicLong();
  private final AtomicLong trimmed = new AtomicLong();
  private final AtomicBoolean trimming = new AtomicBoolean();

  BacklogBudget(long max) {
    this.max = max;
    this.lowWater = max - max / 10;
  }

  /** What a signature costs beside its text: the record and its two strings' headers and arrays. */
  static final long SIGNATURE_OVERHEAD_BYTES = 80;

  /** What a Protobuf payload costs beside its type URL's characters and its bytes: the record, string and array headers. */
  static final long PROTO_OVERHEAD_BYTES = 64;

  /**
   * A message's cost: its text (data, and kid and sig when signed) at two bytes per character (the most a Java
   * string takes), a Protobuf payload's type URL and bytes, and the overheads.
   */
  static long size(ChannelMessage message) {
    long size = MESSAGE_OVERHEAD_BYTES + 2L * message.data().length();
    if (message.signature() != null) {
      size += SIGNATURE_OVERHEAD_BYTES + 2L * message.signatureLength();
    }
    if (message.proto() != null) {
      size += PROTO_OVERHEAD_BYTES + 2L * message.proto().typeUrl().length() + message.proto().value().length;
    }
    return size;
  }

  void taken(long bytes) {
    used.addAndGet(bytes);
  }

  void released(long bytes) {
    used.addAndGet(-bytes);
  }

  long used() {
    return used.get();
  }

  long trimmed() {
    return trimmed.get();
  }

  /** Trims when over the budget; one thread trims at a time, the others go on (the trimmer covers them). */
  void enforce(Collection<LocalChannelRegistry.Entry> entries) {
    if (used.get() <= max || !trimming.compareAndSet(false, true)) {
      return;
    }
    try {
      for (int pass = 0; pass < MAX_PASSES && used.get() > lowWater; pass++) {
        trim(entries);
      }
    } finally {
      trimming.set(false);
    }
  }

  private record Sized(LocalChannelRegistry.Entry entry, long bytes) {}

  /** Cuts the k largest backlogs down to one level chosen so that what they lose is the excess. */
  private void trim(Collection<LocalChannelRegistry.Entry> entries) {
    List<Sized> sized = new ArrayList<>(entries.size());
    for (LocalChannelRegistry.Entry e : entries) {
      synchronized (e) {
        if (e.bytes > 0) {
          sized.add(new Sized(e, e.bytes));
        }
      }
    }
    sized.sort(Comparator.comparingLong(Sized::bytes).reversed());
    long excess = used.get() - lowWater;
    long prefix = 0;
    long level = 0;
    int k = 0;
    while (k < sized.size()) {
      prefix += sized.get(k).bytes();
      k++;
      long next = k < sized.size() ? sized.get(k).bytes() : 0;
      if (prefix - k * next >= excess) {
        level = Math.max(next, (prefix - excess) / k);
        break;
      }
    }
    for (int i = 0; i < k; i++) {
      LocalChannelRegistry.Entry e = sized.get(i).entry();
      synchronized (e) {
        while (e.bytes > level && !e.backlog.isEmpty()) {
          e.dropOldest();
          trimmed.incrementAndGet();
        }
      }
    }
  }
}
