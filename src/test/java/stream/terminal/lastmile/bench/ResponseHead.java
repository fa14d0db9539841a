package stream.terminal.lastmile.bench;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The status line and headers of an HTTP/1.1 response read from a raw socket, gathered from pieces until the blank
 * line that ends them.
 */
final class ResponseHead {
  /** A response head longer than this is not one the generator's servers send. */
  private static final int MAX = 16384;

  private Buffer bytes = Buffer.buffer();
  private String text;
  private int bodyFrom;

  /**
   * Adds a piece; true once the head is complete, and then {@link #body(Buffer)} gives what followed it.
   *
   * @throws IllegalStateException when the head passes {@link #MAX} bytes
   */
  boolean feed(Buffer piece) {
    bytes.appendBuffer(piece);
    int end = indexOfBlankLine(bytes);
    if (end < 0) {
      if (bytes.length() > MAX) {
        throw new IllegalStateException("no end to the response head");
      }
      return false;
    }
    text = bytes.getString(0, end, StandardCharsets.ISO_8859_1.name());
    bodyFrom = end + 4;
    return true;
  }

  /** The bytes after the head in what {@link #feed} was given. */
  Buffer body() {
    return bytes.getBuffer(bodyFrom, bytes.length());
  }

  int status() {
    String[] parts = text.split(" ", 3);
    try {
      return parts.length >= 2 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  String statusLine() {
    int end = text.indexOf("\r\n");
    return end < 0 ? text : text.substring(0, end);
  }

  /** The value of the first header of that name, or null. */
  String header(String name) {
    String[] lines = text.split("\r\n");
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase(name)) {
        return lines[i].substring(colon + 1).trim();
      }
    }
    return null;
  }

  boolean chunked() {
    String coding = header("Transfer-Encoding");
    return coding != null && coding.toLowerCase(Locale.ROOT).contains("chunked");
  }

  private static int indexOfBlankLine(Buffer buf) {
    for (int i = 0; i + 3 < buf.length(); i++) {
      if (buf.getByte(i) == '\r' && buf.getByte(i + 1) == '\n' && buf.getByte(i + 2) == '\r' && buf.getByte(i + 3) == '\n') {
        return i;
      }
    }
    return -1;
  }
}
