package stream.terminal.lastmile.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.PayloadFormat;
import stream.terminal.lastmile.protocol.TextFrame;

/**
 * The resume merge: a backlog replay and the live stream that arrives while it is read, joined without gap or
 * duplicate, whatever the interleaving.
 */
class SubscriptionTest {
  private static ChannelMessage m(long offset) {
    return new ChannelMessage("c", "e1", offset, 0, String.valueOf(offset));
  }

  /**
   * Simulates a resume from {@code since}: the backlog holds 1..stored at read time, live messages start at
   * {@code liveFrom} (anything published after the node started consuming; they may overlap the backlog) and run
   * to {@code last}; live messages arrive at random points of the replay.
   */
  private static List<Long> resume(long since, long stored, long liveFrom, long last, long seed) {
    Random random = new Random(seed);
    Subscription subscription = new Subscription(null, Long.MAX_VALUE, PayloadFormat.JSON);
    subscription.position("e1", since);
    List<Long> client = new ArrayList<>();
    List<ChannelMessage> live = new ArrayList<>();
    for (long o = liveFrom; o <= last; o++) {
      live.add(m(o));
    }
    int liveIndex = 0;
    for (long o = since + 1; o <= stored; o++) {
      while (liveIndex < live.size() && random.nextInt(3) == 0) {
        ChannelMessage l = live.get(liveIndex++);
        assertTrue(subscription.hold(l, TextFrame.of(String.valueOf(l.offset()))));
      }
      if (subscription.take(m(o))) {
        client.add(o);
      }
    }
    while (liveIndex < live.size() && random.nextBoolean()) {
      ChannelMessage l = live.get(liveIndex++);
      subscription.hold(l, TextFrame.of(String.valueOf(l.offset())));
    }
    for (Subscription.Held held : subscription.release()) {
      TextFrame frame = held.frame();
      client.add(Long.parseLong(frame.toString()));
    }
    assertFalse(subscription.catchingUp());
    while (liveIndex < live.size()) {
      ChannelMessage l = live.get(liveIndex++);
      if (subscription.take(l)) {
        client.add(l.offset());
      }
    }
    return client;
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long o = from; o <= to; o++) {
      out.add(o);
    }
    return out;
  }

  @Test
  void replayThenLiveHasNoGapAndNoDuplicateForAnyInterleaving() {
    for (long seed = 0; seed < 300; seed++) {
      Random random = new Random(seed);
      long since = random.nextInt(20);
      long stored = since + random.nextInt(30);
      long liveFrom = Math.max(1, stored - random.nextInt(10) + 1); // overlaps the backlog by up to 9
      long last = stored + random.nextInt(30);
      assertEquals(range(since + 1, last), resume(since, stored, liveFrom, last, seed),
          "since " + since + " stored " + stored + " live " + liveFrom + ".." + last);
    }
  }

  @Test
  void liveMessagesTheClientAlreadyHasAreNotGivenAgain() {
    Subscription subscription = new Subscription(null, Long.MAX_VALUE, PayloadFormat.JSON);
    subscription.position("e1", 5);
    subscription.hold(m(4), TextFrame.of("4"));
    subscription.hold(m(6), TextFrame.of("6"));
    assertEquals(List.of("6"), subscription.release().stream().map(h -> h.frame().toString()).toList());
    assertFalse(subscription.take(m(6)));
    assertTrue(subscription.take(m(7)));
  }

  @Test
  void holdingIsBoundedByBytes() {
    Subscription subscription = new Subscription(null, 10, PayloadFormat.JSON);
    assertTrue(subscription.hold(m(1), TextFrame.of("12345")));
    assertFalse(subscription.hold(m(2), TextFrame.of("123456")));
  }
}
