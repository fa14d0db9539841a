package stream.terminal.lastmile.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.util.concurrent.EventExecutor;
import stream.terminal.lastmile.protocol.TextFrame;

/**
 * Writes ready-made text frames to one WebSocket, on its event loop, below Vert.x's frame encoding: the frame's
 * bytes enter the channel's pipeline where the WebSocket encoder's output would, so whatever sits under it (the
 * HTTP codec's pass-through, TLS if a listener ever has it) still sees them. Writes keep their order with the
 * Vert.x writes (pings, close) because both run synchronously on the same loop; a Vert.x write also flushes ours.
 *
 * <p>Since these writes bypass Vert.x's write queue, its writeQueueFull() and drain handler do not see them: the
 * bound on buffered bytes is the channel's own writability (the high-water mark Vert.x sets from
 * setWriteQueueMaxSize), read by {@link #full()} and reported back by {@link #onWritable}. Flushing is left to
 * the loop's {@link Flusher}.
 */
final class FrameWriter extends ChannelInboundHandlerAdapter {
  private final Flusher flusher;
  private ChannelHandlerContext encoder;
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
    pipeline.addFirst(writer);
    writer.encoder = pipeline.context(WebSocketFrameEncoder.class);
    if (writer.encoder == null) {
      throw new IllegalStateException("no WebSocket frame encoder in the pipeline: " + pipeline.names());
    }
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
    encoder.write(bytes, encoder.voidPromise());
    if (!encoder.channel().isWritable()) {
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
    encoder.flush();
  }

  /** The connection's pipeline, where the session's inbound guards go. */
  ChannelPipeline pipeline() {
    return encoder.pipeline();
  }

  EventExecutor eventLoop() {
    return encoder.executor();
  }

  /** Whether the bytes waiting to be sent passed the connection's write-queue limit. */
  boolean full() {
    return !encoder.channel().isWritable();
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
