package stream.terminal.lastmile.hub;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The subscribers of one channel on one event loop, in a plain array: a fan-out to thousands of subscribers walks
 * it by index, with no iterator and no node object per subscriber to load on the way. Each subscriber knows its
 * slot, so adding and removing cost O(1). A subscriber removed during a walk (a connection dropped as slow by the
 * delivery before it, say) leaves a hole that the walk skips and that is closed once the walk ends, so the walk
 * neither misses nor repeats any other subscriber; one added during a walk gets the next message. Touched only
 * from its event loop.
 */
final class SubscriberArray {
  private static final int INITIAL = 4;

  private Subscriber[] items = new Subscriber[INITIAL];
  /** Slots in use, holes included. */
  private int size;
  /** Subscribers removed during the current walk, whose slots are null until it ends. */
  private int holes;
  /** Walks in progress (a delivery that starts another on the same loop nests). */
  private int walking;

  /** Adds a subscriber; false when it is already here. */
  boolean add(Subscriber subscriber) {
    if (subscriber.slot >= 0) {
      if (subscriber.slot < size && items[subscriber.slot] == subscriber) {
        return false;
      }
      throw new IllegalStateException("a subscriber belongs to one channel's array at a time");
    }
    if (size == items.length) {
      items = Arrays.copyOf(items, items.length * 2);
    }
    subscriber.slot = size;
    items[size++] = subscriber;
    return true;
  }

  /** Removes a subscriber; false when it is not here. */
  boolean remove(Subscriber subscriber) {
    int slot = subscriber.slot;
    if (slot < 0 || slot >= size || items[slot] != subscriber) {
      return false;
    }
    subscriber.slot = -1;
    if (walking > 0) {
      items[slot] = null;
      holes++;
      return true;
    }
    // the last one takes its place: order among subscribers carries no meaning
    Subscriber last = items[--size];
    items[size] = null;
    if (last != subscriber) {
      items[slot] = last;
      last.slot = slot;
    }
    shrink();
    return true;
  }

  /** The subscribers held, not counting those removed during a walk in progress. */
  int count() {
    return size - holes;
  }

  boolean isEmpty() {
    return count() == 0;
  }

  /**
   * Calls {@code action} for every subscriber held when the walk starts, unless it is removed before its turn.
   * The action may add and remove subscribers, itself included.
   */
  void forEach(Consumer<Subscriber> action) {
    walking++;
    try {
      for (int i = 0, n = size; i < n; i++) {
        Subscriber subscriber = items[i];
        if (subscriber != null) {
          action.accept(subscriber);
        }
      }
    } finally {
      if (--walking == 0 && holes > 0) {
        compact();
      }
    }
  }

  /** Closes the holes a walk left, keeping the order of the rest. */
  private void compact() {
    int kept = 0;
    for (int i = 0; i < size; i++) {
      Subscriber subscriber = items[i];
      if (subscriber != null) {
        items[kept] = subscriber;
        subscriber.slot = kept++;
      }
    }
    Arrays.fill(items, kept, size, null);
    size = kept;
    holes = 0;
    shrink();
  }

  /** A channel that had many subscribers on this loop and kept few gives the array's memory back. */
  private void shrink() {
    if (items.length > INITIAL && size < items.length / 4) {
      items = Arrays.copyOf(items, Math.max(INITIAL, items.length / 2));
    }
  }
}
