package stream.terminal.lastmile.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SSE reader in memory: every way a stream can be cut into pieces gives the same events. */
class EventStreamReaderTest {
  private final List<String> events = new ArrayList<>();
  private final EventStreamReader reader = new EventStreamReader(
      (type, buf, from, to) -> events.add((type == null ? "" : type + "|") + buf.getString(from, to)));

  /** Line ends of all three kinds, a comment, a named event, several data lines, an id, and an event without data. */
  private static final String STREAM = ": heartbeat\n\n"
      + "id: c:e:1\ndata: {\"t\":12,\"p\":\"x\"}\n\n"
      + "data: first\r\ndata: second\r\n\r\n"
      + "event: gap\rdata: {\"channel\":\"c\"}\r\r"
      + "id: only an id\n\n"
      + "data\n\n"
      + "data:no space\n\n"
      + "retry: 10\ndata:  two spaces\n\n";
  private static final List<String> EXPECTED = List.of("{\"t\":12,\"p\":\"x\"}", "first\nsecond",
      "gap|{\"channel\":\"c\"}", "", "no space", " two spaces");

  @Test
  void readsEventsWholeAndLeavesTheLastUnfinishedOnePending() {
    reader.feed(Buffer.buffer(STREAM + "data: not ended yet\n"));

    assertEquals(EXPECTED, events);
  }

  @Test
  void everySplitInTwoGivesTheSameEvents() {
    byte[] bytes = STREAM.getBytes();
    for (int cut = 0; cut <= bytes.length; cut++) {
      events.clear();
      EventStreamReader split = new EventStreamReader(
          (type, buf, from, to) -> events.add((type == null ? "" : type + "|") + buf.getString(from, to)));
      Buffer first = Buffer.buffer(bytes).getBuffer(0, cut);
      split.feed(first);
      // a socket may reuse a piece's memory once its handler returned: nothing may point into it any more
      first.setBytes(0, new byte[cut]);
      split.feed(Buffer.buffer(bytes).getBuffer(cut, bytes.length));
      assertEquals(EXPECTED, events, "cut at " + cut);
    }
  }

  @Test
  void oneByteAtATimeGivesTheSameEvents() {
    for (byte b : STREAM.getBytes()) {
      reader.feed(Buffer.buffer(new byte[] {b}));
    }

    assertEquals(EXPECTED, events);
  }

  @Test
  void readsRangesOfALargerBuffer() {
    Buffer framed = Buffer.buffer("##" + STREAM + "##");

    reader.feed(framed, 2, framed.length() - 2);

    assertEquals(EXPECTED, events);
  }

  @Test
  void aLineWithoutEndBeyondTheLimitFails() {
    Buffer big = Buffer.buffer(new byte[EventStreamReader.MAX_LINE + 1]);

    assertThrows(IllegalStateException.class, () -> reader.feed(big));
  }
}
