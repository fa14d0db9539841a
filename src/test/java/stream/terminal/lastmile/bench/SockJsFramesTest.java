package stream.terminal.lastmile.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SockJS framing and bridge frames in memory, as vertx-web encodes them. */
class SockJsFramesTest {
  private final List<String> seen = new ArrayList<>();
  private final SockJsFrames.Listener listener = new SockJsFrames.Listener() {
    @Override
    public void open() {
      seen.add("open");
    }

    @Override
    public void bridgeFrame(Buffer buf, int from, int to, boolean escaped) {
      long stamp = SockJsFrames.stamp(buf, from, to, escaped);
      seen.add(stamp >= 0 ? "rec " + stamp : SockJsFrames.isError(buf, from, to, escaped) ? "err" : "other");
    }

    @Override
    public void close(String frame) {
      seen.add(frame);
    }
  };

  private static JsonObject rec(long stamp) {
    return new JsonObject().put("type", "rec").put("address", "c")
        .put("headers", new JsonObject().put("channel", "c").put("epoch", "e").put("offset", "7"))
        .put("body", new JsonObject().put("t", stamp).put("p", "x\"y\\z"));
  }

  private void read(String frame) {
    Buffer buf = Buffer.buffer("#" + frame + "#");
    SockJsFrames.read(buf, 1, buf.length() - 1, listener);
  }

  @Test
  void findsTheStampOfEveryMessageInAnArrayFrame() {
    JsonObject err = new JsonObject().put("type", "err").put("body", "access_denied");
    String frame = "a" + new JsonArray().add(rec(123).encode()).add(err.encode()).add(rec(456).encode()).encode();

    read("o");
    read("h");
    read(frame);
    read("c[3000,\"Go away!\"]");

    assertEquals(List.of("open", "rec 123", "err", "rec 456", "c[3000,\"Go away!\"]"), seen);
  }

  @Test
  void readsRawBridgeFramesUnescaped() {
    Buffer rec = Buffer.buffer(rec(789).encode());
    Buffer err = Buffer.buffer(new JsonObject().put("type", "err").put("body", "access_denied").encode());

    assertEquals(789, SockJsFrames.stamp(rec, 0, rec.length(), false));
    assertFalse(SockJsFrames.isError(rec, 0, rec.length(), false));
    assertEquals(-1, SockJsFrames.stamp(err, 0, err.length(), false));
    assertTrue(SockJsFrames.isError(err, 0, err.length(), false));
  }

  @Test
  void refusesWhatIsNotSockJsFraming() {
    for (String bad : new String[] {"", "x", "a", "a[", "a[1]", "a[\"open", "a[\"a\"\"b\"]", "a[\"a\",]x"}) {
      assertThrows(IllegalStateException.class, () -> read(bad), bad);
    }
  }
}
