package stream.terminal.lastmile.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.Position;

/** The SSE event id: every channel's position, read back from the right so names may contain ':'. */
class PositionTokenTest {
  @Test
  void roundTripsChannelsWhoseNamesContainColons() {
    Map<String, Position> positions = new LinkedHashMap<>();
    positions.put("prices:eu", new Position("abc123", 42));
    positions.put("a", new Position("e0", 0));
    String token = PositionToken.format(positions);
    assertEquals("prices:eu:abc123:42,a:e0:0", token);
    assertEquals(positions, PositionToken.parse(token, 32));
    assertEquals(List.of("prices:eu", "a"), List.copyOf(PositionToken.parse(token, 32).keySet()));
  }

  @Test
  void malformedTokensAreBadRequests() {
    for (String bad : List.of("", "a", "a:1", ":e:1", "a::1", "a:e:", "a:e:x", "a:e:-1", "a:e:+1", "bad/name:e:1",
        "a:e:1,a:e:2", "a:e:1,", "a:e:99999999999999999999")) {
      GatewayException e = assertThrows(GatewayException.class, () -> PositionToken.parse(bad, 32), bad);
      assertEquals(ErrorCode.BAD_REQUEST, e.code(), bad);
    }
  }

  @Test
  void aTokenNamesAtMostTheCap() {
    assertEquals(2, PositionToken.parse("a:e:1,b:e:2", 2).size());
    assertThrows(GatewayException.class, () -> PositionToken.parse("a:e:1,b:e:2,c:e:3", 2));
  }

  @Test
  void sinceIsEpochColonOffset() {
    assertEquals(new Position("e1", 7), PositionToken.since("e1:7"));
    for (String bad : List.of("e1", ":7", "e1:", "e:1:2", "e1:x", "e1:-3")) {
      assertThrows(GatewayException.class, () -> PositionToken.since(bad), bad);
    }
  }
}
