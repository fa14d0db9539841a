package stream.terminal.lastmile.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import stream.terminal.lastmile.protocol.TextFrame;

/**
 * The text/event-stream lines the gateway writes. Every data payload is one line of compact JSON (the codecs
 * never emit a raw line break), so each event's {@code data:} is a single field.
 */
final class SseEvents {
  private static final Buffer PING = Buffer.buffer(": ping\n\n");
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

  private SseEvents() {}

  /** How long a browser's EventSource waits before it reconnects. */
  static Buffer retry(long ms) {
    return Buffer.buffer("retry: " + ms + "\n\n");
  }

  /** A comment line: keeps proxies from closing an idle stream, and shows a dead one on the next write. */
  static Buffer ping() {
    return PING.copy();
  }

  /** A named event (not on the delivery path); {@code id} may be null. */
  static Buffer event(String name, String id, String data) {
    return Buffer.buffer("event: " + name + "\n" + (id == null ? "" : "id: " + id + "\n") + "data: " + data + "\n\n");
  }

  /** A message, as a default event, with the position token as its id. */
  static Buffer message(String id, TextFrame data) {
    return build("id: " + id + "\n", data);
  }

  /** The shared frame's payload copied once into this connection's event, without decoding it. */
  private static Buffer build(String head, TextFrame data) {
    byte[] headBytes = head.getBytes(StandardCharsets.UTF_8);
    ByteBuf out = Unpooled.buffer(headBytes.length + 6 + data.length() + 2);
    out.writeBytes(headBytes).writeBytes(DATA);
    data.copyPayloadTo(out);
    out.writeBytes(END);
    return BufferInternal.buffer(out);
  }
}
