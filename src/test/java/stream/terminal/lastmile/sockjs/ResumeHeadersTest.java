package stream.terminal.lastmile.sockjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.Position;

/** The resume point of a register's headers, in memory. */
class ResumeHeadersTest {
  @Test
  void noHeadersOrNoResumePointIsLiveOnly() {
    assertNull(ResumeHeaders.since(null));
    assertNull(ResumeHeaders.since(new JsonObject().put("other", "x")));
  }

  @Test
  void epochAndOffsetAsStringOrNumber() {
    assertEquals(new Position("e1", 42), ResumeHeaders.since(new JsonObject().put("epoch", "e1").put("offset", "42")));
    assertEquals(new Position("e1", 0), ResumeHeaders.since(new JsonObject().put("epoch", "e1").put("offset", 0)));
  }

  @Test
  void sinceSplitsAtItsLastColon() {
    assertEquals(new Position("a:b", 7), ResumeHeaders.since(new JsonObject().put("since", "a:b:7")));
  }

  @Test
  void malformedResumePointsAreBadRequests() {
    Object[] bad = {
        "not an object",
        new JsonObject().put("epoch", "e1"),
        new JsonObject().put("offset", "1"),
        new JsonObject().put("epoch", 5).put("offset", "1"),
        new JsonObject().put("epoch", "").put("offset", "1"),
        new JsonObject().put("epoch", "e1").put("offset", "-1"),
        new JsonObject().put("epoch", "e1").put("offset", "1.5"),
        new JsonObject().put("epoch", "e1").put("offset", "99999999999999999999"),
        new JsonObject().put("since", "e1"),
        new JsonObject().put("since", 5),
        new JsonObject().put("since", "e1:1").put("epoch", "e1"),
    };
    for (Object headers : bad) {
      GatewayException e = assertThrows(GatewayException.class, () -> ResumeHeaders.since(headers), String.valueOf(headers));
      assertEquals(ErrorCode.BAD_REQUEST, e.code());
    }
  }
}
