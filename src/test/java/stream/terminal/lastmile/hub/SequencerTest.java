package stream.terminal.lastmile.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.core.ChannelMessage;

/** Offset order restored from adversarial arrival orders, holes filled from the backlog or given up on. */
class SequencerTest {
  private static ChannelMessage m(long offset) {
    return new ChannelMessage("c", "e1", offset, offset, String.valueOf(offset));
  }

  private static Sequencer sequencer(long next) {
    return new Sequencer("e1", next, 1000, n -> {});
  }

  private static List<Long> offsets(List<ChannelMessage> messages) {
    return messages.stream().map(ChannelMessage::offset).toList();
  }

  @Test
  void everyPermutationOfArrivalsIsReleasedInOrderOnce() {
    Random random = new Random(42);
    for (int trial = 0; trial < 200; trial++) {
      List<Long> arrival = new ArrayList<>(LongStream.rangeClosed(1, 50).boxed().toList());
      Collections.shuffle(arrival, random);
      // duplicates sprinkled in, as a redelivery would
      arrival.add(random.nextInt(arrival.size()), arrival.get(random.nextInt(arrival.size())));
      Sequencer sequencer = sequencer(1);
      List<Long> released = new ArrayList<>();
      for (long offset : arrival) {
        released.addAll(offsets(sequencer.accept(m(offset))));
      }
      assertEquals(LongStream.rangeClosed(1, 50).boxed().toList(), released, "arrival " + arrival);
      assertFalse(sequencer.waiting());
    }
  }

  @Test
  void aHoleIsReportedThenFilledFromTheBacklog() {
    Sequencer sequencer = sequencer(10);
    assertEquals(List.of(10L), offsets(sequencer.accept(m(10))));
    assertTrue(offsets(sequencer.accept(m(13))).isEmpty());
    assertTrue(sequencer.waiting());
    assertEquals(11, sequencer.next());
    assertEquals(2, sequencer.holeSize());
    // the backlog read may overlap what already arrived: each offset still comes out once
    assertEquals(List.of(11L, 12L, 13L), offsets(sequencer.fill(List.of(m(11), m(12), m(13)))));
    assertFalse(sequencer.waiting());
    assertTrue(offsets(sequencer.accept(m(12))).isEmpty(), "late duplicates are dropped");
  }

  @Test
  void aHoleTheBacklogNoLongerHasIsSkippedAndCounted() {
    Sequencer sequencer = sequencer(1);
    sequencer.accept(m(4));
    sequencer.accept(m(5));
    assertTrue(sequencer.fill(List.of()).isEmpty());
    List<ChannelMessage> released = new ArrayList<>();
    assertEquals(3, sequencer.skip(released));
    assertEquals(List.of(4L, 5L), offsets(released));
    assertEquals(List.of(6L), offsets(sequencer.accept(m(6))));
  }

  @Test
  void aMessageOfAnotherEpochNeitherResetsItNorIsReleased() {
    Sequencer sequencer = sequencer(7);
    sequencer.accept(m(9));
    assertTrue(sequencer.accept(new ChannelMessage("c", "forged", 1, 0, "1")).isEmpty());
    assertEquals("e1", sequencer.epoch());
    assertEquals(List.of(7L, 8L, 9L), offsets(sequencer.fill(List.of(m(7), m(8)))), "what waited is still there");
  }

  @Test
  void aConfirmedNewEpochStartsOverWhereItIsToldTo() {
    Sequencer sequencer = sequencer(7);
    sequencer.accept(m(9));
    sequencer.restart("e2", 1);
    ChannelMessage fresh = new ChannelMessage("c", "e2", 1, 0, "1");
    assertEquals(List.of(fresh), sequencer.accept(fresh));
    assertFalse(sequencer.waiting());
  }

  @Test
  void theMessagesWaitingBehindAHoleAreBoundedByDroppingTheFurthest() {
    List<Long> overflowed = new ArrayList<>();
    Sequencer sequencer = new Sequencer("e1", 1, 3, overflowed::add);
    for (long offset : List.of(1_000_000L, 10L, 20L, 30L, 5L, 2_000_000L)) {
      sequencer.accept(m(offset));
    }
    assertEquals(3, overflowed.size());
    assertEquals(4, sequencer.holeSize(), "the nearest offsets are kept");
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), offsets(sequencer.fill(List.of(m(1), m(2), m(3), m(4)))));
    assertEquals(List.of(6L, 7L, 8L, 9L, 10L),
        offsets(sequencer.fill(List.of(m(6), m(7), m(8), m(9)))));
  }

  @Test
  void offsetsPastTheChannelsLastAreDroppedInsteadOfSkippedTo() {
    Sequencer sequencer = sequencer(1);
    sequencer.accept(m(3));
    sequencer.accept(m(999_999));
    assertEquals(1, sequencer.dropBeyond(3));
    List<ChannelMessage> released = new ArrayList<>();
    assertEquals(2, sequencer.skip(released));
    assertEquals(List.of(3L), offsets(released));
    assertEquals(List.of(4L), offsets(sequencer.accept(m(4))), "offset 4 is not taken for a duplicate");
  }
}
