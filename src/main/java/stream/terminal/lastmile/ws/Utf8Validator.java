package stream.terminal.lastmile.ws;

import io.netty.buffer.ByteBuf;

/**
 * A strict, incremental UTF-8 check (RFC 3629, as RFC 6455 8.1 requires of text messages): overlong forms,
 * surrogates and code points past U+10FFFF are refused, and a code point may span fragments. It fails at the
 * first byte that cannot begin or continue a valid sequence, so a message is refused as soon as it goes wrong.
 * Bjoern Hoehrmann's decoder automaton (MIT licence), the one Netty's own validator uses.
 */
final class Utf8Validator {
  private static final int ACCEPT = 0;
  private static final int REJECT = 12;

  /** Byte classes, then transitions: state + class gives the next state. */
  private static final byte[] TYPES = {
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
      7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
      8, 8, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
      10, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 3, 3, 11, 6, 6, 6, 5, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8};
  private static final byte[] STATES = {
      0, 12, 24, 36, 60, 96, 84, 12, 12, 12, 48, 72, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 0, 12,
      12, 12, 12, 12, 0, 12, 0, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12, 24, 12, 12, 12, 12, 12, 12, 12, 12,
      12, 24, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 12, 12, 12, 12, 36,
      12, 36, 12, 12, 12, 36, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12, 12, 36, 12, 12, 12, 12, 12, 12, 12, 12,
      12, 12};

  private int state = ACCEPT;

  /** Checks the next bytes of a message; false once they cannot be UTF-8, whatever follows. */
  boolean check(ByteBuf bytes) {
    int end = bytes.writerIndex();
    for (int i = bytes.readerIndex(); i < end && state != REJECT; i++) {
      state = STATES[state + TYPES[bytes.getByte(i) & 0xff]];
    }
    return state != REJECT;
  }

  /** Whether the bytes checked so far end on a whole code point (so the message may end here). */
  boolean complete() {
    return state == ACCEPT;
  }

  /** Whether a whole message is UTF-8. */
  static boolean valid(ByteBuf message) {
    Utf8Validator validator = new Utf8Validator();
    return validator.check(message) && validator.complete();
  }
}
