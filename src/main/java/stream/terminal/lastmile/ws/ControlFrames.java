package stream.terminal.lastmile.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import java.util.function.Consumer;

/**
 * Takes a client's pings and pongs from the pipeline before Vert.x sees them: Vert.x answers every ping with a
 * pong written past any bound and counts neither against anything, so one socket sending pings without reading
 * grew a node by hundreds of MB in seconds. The session answers instead, through the rate limit and the
 * outbound bound that every other frame of the client meets.
 */
final class ControlFrames extends ChannelInboundHandlerAdapter {
  private final Consumer<ByteBuf> onPing;
  private final Runnable onPong;

  private ControlFrames(Consumer<ByteBuf> onPing, Runnable onPong) {
    this.onPing = onPing;
    this.onPong = onPong;
  }

  /**
   * Puts the handler right after the connection's frame decoder; call on its event loop.
   *
   * @param onPing given the ping's payload, which it must not keep (it is released afterwards)
   */
  static void install(ChannelPipeline pipeline, Consumer<ByteBuf> onPing, Runnable onPong) {
    pipeline.addAfter(FrameSizeGuard.decoderName(pipeline), null, new ControlFrames(onPing, onPong));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof PingWebSocketFrame ping) {
      try {
        onPing.accept(ping.content());
      } finally {
        ping.release();
      }
    } else if (msg instanceof PongWebSocketFrame pong) {
      pong.release();
      onPong.run();
    } else {
      ctx.fireChannelRead(msg);
    }
  }
}
