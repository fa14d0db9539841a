package stream.terminal.lastmile.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.EventExecutor;
import stream.terminal.lastmile.protocol.TextFrame;

/**
 * Writes ready-made text frames to one WebSocket, on its event loop, below Vert.x's frame encoding: the writer
 * sits next to the channel's head, or just above the TLS handler when the listener has one, and its frames start
 * there, so that only what must see the bytes (TLS) does; a write and a flush cross no other handler on their way
 * out. Writes keep their order with the Vert.x writes (pings, close) because both run synchronously on the same
 * loop and nothing between them queues; a Vert.x write also flushes ours.
 *
 * <p>Since these writes bypass Vert.x's write queue, its writeQueueFull() and drain handler do not see them: the
 * bound on buffered bytes is the channel's own writability (the high-water mark Vert.x sets from
 * setWriteQueueMaxSize), read by {@link #full()} and reported back by {@link #onWritable}. Flushing is left to
 * the loop's {@link Flusher}.
 */
final class FrameWriter extends ChannelInboundHandlerAdapter {
  private final Flusher flusher;
  /** This handler's own context: writes from it go to the TLS handler or straight to the head. */
  private ChannelHandlerContext ctx;
  private Runnable onWritable = () -> {};
  private boolean marked;
  /** When the waiting bytes last passed the limit, or 0 while they are under it. */
  private long unwritableSinceMs;

  private FrameWriter(Flusher flusher) {
    this.flusher = flusher;
  }

  /**
   * Installs the writer in the pipeline of a connection just upgraded to a WebSocket; call on its event loop
   * before anything is written.
   */
  static FrameWriter install(ChannelPipeline pipeline, Flusher flusher) {
    FrameWriter writer = new FrameWriter(flusher);
    ChannelHandlerContext tls = pipeline.context(SslHandler.class);
    if (tls == null) {
      pipeline.addFirst(writer);
    } else {
      pipeline.addAfter(tls.name(), null, writer);
    }
    writer.ctx = pipeline.context(writer);
    return writer;
  }

  void write(TextFrame frame) {
    write(frame.share());
  }

  /** Answers a client's ping (its payload is at most 125 bytes: the decoder refuses longer control frames). */
  void writePong(ByteBuf payload) {
    int length = payload.readableBytes();
    ByteBuf frame = Unpooled.buffer(2 + length).writeByte(0x8A).writeByte(length); // FIN, opcode pong, unmasked
    write(frame.writeBytes(payload, payload.readerIndex(), length));
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

  /** The connection's pipeline, where the session's inbound guards go. */
  ChannelPipeline pipeline() {
    return ctx.pipeline();
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

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      unwritableSinceMs = 0;
      onWritable.run();
    } else if (unwritableSinceMs == 0) {
      unwritableSinceMs = System.currentTimeMillis();
    }
    ctx.fireChannelWritabilityChanged();
  }
}
