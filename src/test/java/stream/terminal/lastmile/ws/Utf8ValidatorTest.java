package stream.terminal.lastmile.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The validator agrees with the JDK's strict decoder, and holds state across fragments. */
class Utf8ValidatorTest {
  private static boolean jdk(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Every sequence of two bytes, and the four-byte ones that matter behind a 3 or 4-byte lead, both ways. */
  @Test
  void agreesWithTheJdkOnEveryShortSequence() {
    for (int a = 0; a < 256; a++) {
      for (int b = 0; b < 256; b++) {
        byte[] two = {(byte) a, (byte) b};
        assertEquals(jdk(two), Utf8Validator.valid(Unpooled.wrappedBuffer(two)), String.format("%02x %02x", a, b));
        if (a >= 0xe0 && a <= 0xf4 && b >= 0x80 && b <= 0xbf) {
          for (int c : new int[] {0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0}) {
            byte[] four = {(byte) a, (byte) b, (byte) c, (byte) 0x80};
            assertEquals(jdk(four), Utf8Validator.valid(Unpooled.wrappedBuffer(four)),
                String.format("%02x %02x %02x 80", a, b, c));
          }
        }
      }
    }
  }

  @Test
  void aCodePointMaySpanFragmentsButAMessageMayNotEndInsideOne() {
    Utf8Validator validator = new Utf8Validator();
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
    for (byte b : euro) {
      validator.check(Unpooled.wrappedBuffer(new byte[] {b}));
    }
    assertEquals(true, validator.complete());
    validator.check(Unpooled.wrappedBuffer(new byte[] {euro[0]}));
    assertFalse(validator.complete());
    assertFalse(validator.check(Unpooled.wrappedBuffer(new byte[] {'a'})));
  }
}
