package stream.terminal.lastmile.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import stream.terminal.lastmile.protocol.TextFrame;

/**
 * Writes ready-made text frames to one WebSocket, on its event loop, below Vert.x's frame encoding: the frame's
 * bytes enter the channel's pipeline where the WebSocket encoder's output would, so whatever sits under it (the
 * HTTP codec's pass-through, TLS if a listener ever has it) still sees them. Writes keep their order with the
 * Vert.x writes (pings, close) because both run synchronously on the same loop.
 *
 * <p>Since these writes bypass Vert.x's write queue, its writeQueueFull() and drain handler do not see them: the
 * bound on buffered bytes is the channel's own writability (the high-water mark Vert.x sets from
 * setWriteQueueMaxSize), read by {@link #full()} and reported back by {@link #onWritable}.
 *
 * <p>Flushes are coalesced: a flush is deferred to the end of the loop's current batch of tasks, so the frames
 * of every message that reaches a connection within one batch leave in one send(). The kernel's path per send,
 * not the encoding, is most of what a delivery costs.
 */
final class FrameWriter extends ChannelInboundHandlerAdapter {
  private ChannelHandlerContext encoder;
  private Runnable onWritable = () -> {};

  private FrameWriter() {}

  /** Installs the writer on a new WebSocket; call on its event loop before anything is written. */
  static FrameWriter install(ServerWebSocket ws) {
    ChannelPipeline pipeline = ((WebSocketInternal) ws).channelHandlerContext().pipeline();
    FrameWriter writer = new FrameWriter();
    pipeline.addFirst(writer);
    pipeline.addFirst(new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    writer.encoder = pipeline.context(WebSocketFrameEncoder.class);
    if (writer.encoder == null) {
      throw new IllegalStateException("no WebSocket frame encoder in the pipeline: " + pipeline.names());
    }
    return writer;
  }

  void write(TextFrame frame) {
    encoder.write(frame.share(), encoder.voidPromise());
    encoder.flush();
  }

  /** Whether the bytes waiting to be sent passed the connection's write-queue limit. */
  boolean full() {
    return !encoder.channel().isWritable();
  }

  /** Called on the event loop when the waiting bytes fall back under the limit. */
  void onWritable(Runnable action) {
    this.onWritable = action;
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      onWritable.run();
    }
    ctx.fireChannelWritabilityChanged();
  }
}
