package stream.terminal.lastmile.core;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 sizes without encoding, for limit checks on the hot path, and strict decoding of what clients send. */
public final class Utf8 {
  private Utf8() {}

  /**
   * Decodes text a client sent, refusing what is not UTF-8 (overlong forms, surrogates, past U+10FFFF, cut
   * sequences) instead of replacing it with U+FFFD: a publish must not be stored changed.
   *
   * @throws GatewayException {@code bad_request} naming {@code what}
   */
  public static String decode(ByteBuffer bytes, String what) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
    } catch (CharacterCodingException e) {
      throw new GatewayException(ErrorCode.BAD_REQUEST, what + " is not valid UTF-8");
    }
  }

  public static int length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
