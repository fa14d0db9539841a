package stream.terminal.lastmile.ws;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Text frames over bytes encoded once and shared by every subscriber of a message. Vert.x 5.0 has no public text
 * frame over a Buffer: {@code writeTextMessage(String)} encodes the string to new bytes for each write. Each
 * frame needs its own view of the bytes (Netty's encoder consumes the payload's reader index), which
 * {@code getByteBuf()} gives without copying. The frame class is internal to Vert.x: an upgrade that moves it
 * fails the build here, not at run time.
 */
final class TextFrames {
  private TextFrames() {}

  /** @param utf8 a message's UTF-8 bytes; only read, never modified */
  static WebSocketFrame of(Buffer utf8) {
    ByteBuf view = ((BufferInternal) utf8).getByteBuf();
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, view, true);
  }
}
