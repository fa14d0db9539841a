package stream.terminal.lastmile.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Dialect;
import stream.terminal.lastmile.protocol.TextFrame;

/** The fan-out's array of one channel's subscribers: every walk reaches each subscriber once, whatever it removes. */
class SubscriberArrayTest {
  private static final class Named extends Subscriber {
    final int id;

    Named(int id) {
      this.id = id;
    }

    @Override
    public Dialect dialect() {
      return Dialect.NATIVE;
    }

    @Override
    public boolean deliver(ChannelMessage message, TextFrame frame) {
      return true;
    }

    @Override
    public String toString() {
      return "s" + id;
    }
  }

  private static List<Named> fill(SubscriberArray array, int count) {
    List<Named> all = IntStream.range(0, count).mapToObj(Named::new).toList();
    all.forEach(array::add);
    return all;
  }

  /** The ids one walk visits, in order, failing on any subscriber visited twice. */
  private static List<Integer> walk(SubscriberArray array, Consumer<Named> during) {
    List<Integer> visited = new ArrayList<>();
    array.forEach(s -> {
      Named named = (Named) s;
      assertFalse(visited.contains(named.id), "visited twice: " + named);
      visited.add(named.id);
      during.accept(named);
    });
    return visited;
  }

  private static Set<Integer> ids(List<Named> subscribers) {
    return subscribers.stream().map(s -> s.id).collect(Collectors.toSet());
  }

  @Test
  void aWalkReachesEverySubscriberOnce() {
    SubscriberArray array = new SubscriberArray();
    List<Named> all = fill(array, 100);
    assertEquals(ids(all), new HashSet<>(walk(array, s -> {})));
    assertEquals(100, array.count());
  }

  @Test
  void subscribersDroppedDuringAWalkAreSkippedAndNoOtherIsMissedOrRepeated() {
    SubscriberArray array = new SubscriberArray();
    List<Named> all = fill(array, 10);
    // each visit drops itself, the first subscriber and the last: the slots before and after the walk's position
    List<Integer> visited = walk(array, s -> {
      array.remove(s);
      array.remove(all.get(0));
      array.remove(all.get(9));
    });
    assertEquals(IntStream.range(0, 9).boxed().toList(), visited);
    assertTrue(array.isEmpty());
  }

  @Test
  void aSubscriberDroppedBeforeItsTurnIsNotVisitedAndTheRestAreAllVisited() {
    SubscriberArray array = new SubscriberArray();
    List<Named> all = fill(array, 8);
    List<Integer> visited = walk(array, s -> {
      if (s.id == 2) {
        array.remove(all.get(5)); // not reached yet
        array.remove(s); // the one being delivered to
      }
    });
    assertEquals(List.of(0, 1, 2, 3, 4, 6, 7), visited);
    assertEquals(6, array.count());
    // the holes are closed: the next walk reaches the six left, each once
    assertEquals(Set.of(0, 1, 3, 4, 6, 7), new HashSet<>(walk(array, s -> {})));
  }

  @Test
  void removalsOutsideAWalkKeepEveryOtherSubscriber() {
    SubscriberArray array = new SubscriberArray();
    List<Named> all = fill(array, 50);
    Set<Integer> left = new HashSet<>(ids(all));
    for (int i = 0; i < 50; i += 3) {
      assertTrue(array.remove(all.get(i)));
      assertFalse(array.remove(all.get(i)), "removed twice");
      left.remove(i);
    }
    assertEquals(left, new HashSet<>(walk(array, s -> {})));
    assertEquals(left.size(), array.count());
  }

  @Test
  void subscribersAddedDuringAWalkGetTheNextMessage() {
    SubscriberArray array = new SubscriberArray();
    fill(array, 3);
    Named late = new Named(99);
    List<Integer> first = walk(array, s -> {
      if (s.id == 0) {
        array.add(late);
      }
    });
    assertEquals(List.of(0, 1, 2), first);
    assertEquals(Set.of(0, 1, 2, 99), new HashSet<>(walk(array, s -> {})));
  }

  @Test
  void aSubscriberAddedAndDroppedDuringTheSameWalkLeavesNoTrace() {
    SubscriberArray array = new SubscriberArray();
    List<Named> all = fill(array, 3);
    Named late = new Named(99);
    walk(array, s -> {
      if (s.id == 0) {
        array.add(late);
      } else if (s.id == 1) {
        array.remove(late);
        array.remove(all.get(2));
      }
    });
    assertEquals(2, array.count());
    assertEquals(Set.of(0, 1), new HashSet<>(walk(array, s -> {})));
    assertTrue(array.add(late), "free to join again");
  }

  @Test
  void aSubscriberIsHeldOnceAndByOneArray() {
    SubscriberArray array = new SubscriberArray();
    Named s = new Named(1);
    assertTrue(array.add(s));
    assertFalse(array.add(s));
    assertEquals(1, array.count());
    assertThrows(IllegalStateException.class, () -> new SubscriberArray().add(s));
    assertFalse(new SubscriberArray().remove(s), "not in that array");
    assertTrue(array.remove(s));
    assertTrue(array.isEmpty());
  }

  @Test
  void aChannelThatEmptiesGivesItsMemoryBackAndFillsAgain() {
    SubscriberArray array = new SubscriberArray();
    List<Named> all = fill(array, 1000);
    walk(array, array::remove);
    assertTrue(array.isEmpty());
    all.forEach(array::add);
    assertEquals(ids(all), new HashSet<>(walk(array, s -> {})));
  }
}
