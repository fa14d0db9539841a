package stream.terminal.lastmile.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The data of a message frame is handed over as the node wrote it. */
class RawDataTest {
  private static String frame(String data) {
    return "{\"type\":\"message\",\"channel\":\"c\",\"offset\":4,\"epoch\":\"k3v9q0x1m2ab\",\"data\":" + data
        + ",\"ts\":1764123456789}";
  }

  @Test
  void everyKindOfValueComesBackVerbatim() {
    for (String data : new String[] {"{\"bid\":1.10,\"x\":{\"y\":[1,2]}}", "[]", "\"a \\\" quote, a } brace\"",
        "12345678901234567890", "1.0E+3", "null", "true", "\"\""}) {
      assertEquals(data, RawData.of(frame(data)), data);
    }
  }

  @Test
  void aFrameWithoutDataOrNotAnObjectHasNone() {
    assertNull(RawData.of("{\"type\":\"reply\",\"id\":1,\"result\":{}}"));
    assertNull(RawData.of("[1]"));
    assertNull(RawData.of("{\"data\":"));
  }
}
