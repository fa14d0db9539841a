package stream.terminal.lastmile.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.EventExecutor;
import java.nio.charset.StandardCharsets;
import stream.terminal.lastmile.protocol.TextFrame;

/**
 * Writes ready-made frames to one WebSocket, on its event loop: the frame's bytes go straight to the channel, from
 * the connection's own place at the end of its pipeline, so whatever sits in front (TLS) still sees them.
 *
 * <p>The bound on buffered bytes is the channel's own writability (its high-water mark is the listener's
 * {@code write_queue_bytes}), read by {@link #full()} and reported back by {@link #onWritable}. Flushing is left
 * to the loop's {@link Flusher}, except past the mark.
 */
final class FrameWriter {
  /** A ping with no payload: FIN, opcode ping, unmasked. */
  private static final ByteBuf PING =
      Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[] {(byte) 0x89, 0}).asReadOnly());

  private final Flusher flusher;
  private final ChannelHandlerContext ctx;
  private Runnable onWritable;
  private boolean marked;
  /** When the waiting bytes last passed the limit, or 0 while they are under it. */
  private long unwritableSinceMs;

  /**
   * @param ctx the connection's handler's context, where its writes enter the pipeline
   * @param writeQueueBytes the high-water mark of the channel's outbound buffer
   */
  FrameWriter(ChannelHandlerContext ctx, Flusher flusher, int writeQueueBytes) {
    this.ctx = ctx;
    this.flusher = flusher;
    ctx.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(writeQueueBytes / 2, writeQueueBytes));
  }

  void write(TextFrame frame) {
    write(frame.share());
  }

  void writePing() {
    write(PING.duplicate());
  }

  /** Answers a client's ping (its payload is at most 125 bytes: the decoder refuses longer control frames). */
  void writePong(ByteBuf payload) {
    int length = payload.readableBytes();
    ByteBuf frame = ctx.alloc().heapBuffer(2 + length).writeByte(0x8A).writeByte(length); // FIN, opcode pong
    write(frame.writeBytes(payload, payload.readerIndex(), length));
  }

  /**
   * Writes a close frame and flushes everything before it.
   *
   * @param reason at most 123 bytes of UTF-8 (RFC 6455 5.5)
   */
  ChannelFuture writeClose(int code, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    int length = 2 + Math.min(text.length, 123);
    ByteBuf frame = ctx.alloc().heapBuffer(2 + length).writeByte(0x88).writeByte(length).writeShort(code);
    frame.writeBytes(text, 0, length - 2);
    marked = false;
    return ctx.writeAndFlush(frame);
  }

  private void write(ByteBuf bytes) {
    ctx.write(bytes, ctx.voidPromise());
    if (!ctx.channel().isWritable()) {
      // past the high-water mark: send now, so that only bytes the client has not read count against it, never
      // bytes merely waiting for the end of the batch
      flush();
    } else if (!marked) {
      marked = true;
      flusher.mark(this);
    }
  }

  void flush() {
    marked = false;
    ctx.flush();
  }

  EventExecutor eventLoop() {
    return ctx.executor();
  }

  /** Whether the bytes waiting to be sent passed the connection's write-queue limit. */
  boolean full() {
    return !ctx.channel().isWritable();
  }

  /** Called on the event loop when the waiting bytes fall back under the limit. */
  void onWritable(Runnable action) {
    this.onWritable = action;
  }

  /** How long the waiting bytes have been past the limit without falling back under it (0 when they are not). */
  long unwritableMs(long nowMs) {
    return unwritableSinceMs == 0 ? 0 : nowMs - unwritableSinceMs;
  }

  /** The connection's handler passes on the channel's writability changes. */
  void writabilityChanged() {
    if (ctx.channel().isWritable()) {
      unwritableSinceMs = 0;
      if (onWritable != null) {
        onWritable.run();
      }
    } else if (unwritableSinceMs == 0) {
      unwritableSinceMs = System.currentTimeMillis();
    }
  }
}
