package stream.terminal.lastmile.bench;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The benchmark's message body: {@code {"t":<send time, µs>,"p":"xxx…"}}, padded to a fixed size. The send time is
 * {@link System#nanoTime()} in microseconds, which the generator both writes (publishing) and reads (receiving).
 * The gateway wraps the body in its envelope as {@code "data"}; Nchan and the floor server send it as is: the
 * stamp is found by a byte scan in both.
 */
public final class Payload {
  private static final byte[] MARK = "\"t\":".getBytes(StandardCharsets.US_ASCII);

  private Payload() {}

  public static long nowMicros() {
    return System.nanoTime() / 1000;
  }

  /** A body carrying {@code sentMicros}, padded with {@link #padding}. */
  public static Buffer body(long sentMicros, String padding) {
    return Buffer.buffer("{\"t\":" + sentMicros + ",\"p\":\"" + padding + "\"}");
  }

  /** The padding that brings a body to {@code size} bytes; made once per run, not once per publish. */
  public static String padding(int size) {
    // {"t":<digits>,"p":""} is 13 bytes plus the stamp's digits (about 11-16): the size is kept to within a few
    return "x".repeat(Math.max(0, size - 13 - 14));
  }

  /** The stamp in {@code buf[from, to)}, or -1 when there is none. */
  public static long stamp(Buffer buf, int from, int to) {
    int last = to - MARK.length;
    for (int i = from; i <= last; i++) {
      if (buf.getByte(i) == '"' && buf.getByte(i + 1) == 't' && buf.getByte(i + 2) == '"' && buf.getByte(i + 3) == ':') {
        long value = 0;
        int digits = 0;
        for (int j = i + MARK.length; j < to; j++, digits++) {
          byte b = buf.getByte(j);
          if (b < '0' || b > '9') {
            break;
          }
          value = value * 10 + (b - '0');
        }
        return digits > 0 ? value : -1;
      }
    }
    return -1;
  }
}
