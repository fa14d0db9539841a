package stream.terminal.lastmile.bench.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The harness attacks loopback addresses only, whatever it is told. */
class TargetTest {
  @Test
  void onlyLoopbackAddressesAreTargets() {
    for (String host : List.of("10.0.0.1", "localhost", "127.0.1.1", "0.0.0.0", "example.org", "127.0.0.1.example.org")) {
      assertThrows(IllegalArgumentException.class, () -> new Target(host, 1, 2, OptionalLong.empty()), host);
    }
    assertEquals(19400, new Target("127.0.0.9", 19400, 19401, OptionalLong.empty()).edgePort());
  }
}
