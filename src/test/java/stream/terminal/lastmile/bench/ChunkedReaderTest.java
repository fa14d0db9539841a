package stream.terminal.lastmile.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** Chunked coding in memory: the body comes out whole however the pieces are cut. */
class ChunkedReaderTest {
  private static final String CODED = "5\r\nhello\r\n7;ext=1\r\n, world\r\n1A\r\n" + "a".repeat(26) + "\r\n"
      + "0\r\nTrailer: x\r\n\r\n";
  private static final String BODY = "hello, world" + "a".repeat(26);

  private final StringBuilder body = new StringBuilder();
  private boolean ended;
  private final ChunkedReader reader = new ChunkedReader(new ChunkedReader.Listener() {
    @Override
    public void data(Buffer buf, int from, int to) {
      body.append(buf.getString(from, to));
    }

    @Override
    public void end() {
      ended = true;
    }
  });

  @Test
  void everySplitInTwoGivesTheBodyAndItsEnd() {
    byte[] bytes = CODED.getBytes();
    for (int cut = 0; cut <= bytes.length; cut++) {
      StringBuilder got = new StringBuilder();
      boolean[] end = {false};
      ChunkedReader split = new ChunkedReader(new ChunkedReader.Listener() {
        @Override
        public void data(Buffer buf, int from, int to) {
          got.append(buf.getString(from, to));
        }

        @Override
        public void end() {
          end[0] = true;
        }
      });
      Buffer all = Buffer.buffer(bytes);
      split.feed(all, 0, cut);
      split.feed(all, cut, bytes.length);
      assertEquals(BODY, got.toString(), "cut at " + cut);
      assertTrue(end[0], "cut at " + cut);
    }
  }

  @Test
  void anUnfinishedBodyHasNoEnd() {
    Buffer part = Buffer.buffer("5\r\nhel");

    reader.feed(part, 0, part.length());

    assertEquals("hel", body.toString());
    assertFalse(ended);
  }

  @Test
  void refusesWhatIsNotChunkedCoding() {
    for (String bad : new String[] {"zz\r\n", "5\r\nhelloX\r\n", "0\r\n\r\nmore", "-1\r\n", "1" + "0".repeat(2000)}) {
      ChunkedReader fresh = new ChunkedReader(new ChunkedReader.Listener() {
        @Override
        public void data(Buffer buf, int from, int to) {}

        @Override
        public void end() {}
      });
      Buffer buf = Buffer.buffer(bad);
      assertThrows(IllegalStateException.class, () -> fresh.feed(buf, 0, buf.length()), bad);
    }
  }
}
