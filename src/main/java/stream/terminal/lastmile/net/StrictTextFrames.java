package stream.terminal.lastmile.net;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * RFC 6455 8.1 for WebSockets that Vert.x itself upgrades (SockJS's WebSocket transports): Vert.x decodes text
 * frames with U+FFFD in place of invalid bytes, so Netty's {@link Utf8FrameValidator} goes in front of it and fails
 * such a connection with 1007. The edge's own WebSocket path validates in {@code ws/Utf8Validator}.
 */
public final class StrictTextFrames {
  private static final String NAME = "lastmileUtf8";
  /**
   * Vert.x's HTTP/1.x response encoder: Netty's handshaker puts the WebSocket frame encoder before it (and the frame
   * decoder in the request decoder's place), so a validator after it sees decoded frames and writes its close frame
   * through the frame encoder.
   */
  private static final String HTTP_ENCODER = "httpEncoder";

  private StrictTextFrames() {}

  /**
   * Call from the upgrade request's handler, before Vert.x upgrades it. The validator passes HTTP messages through,
   * so a request that is not upgraded after all is served as before.
   */
  public static void beforeUpgrade(HttpServerRequest request) {
    ChannelPipeline pipeline = ((ConnectionBase) request.connection()).channel().pipeline();
    if (pipeline.get(HTTP_ENCODER) != null && pipeline.get(NAME) == null) {
      pipeline.addAfter(HTTP_ENCODER, NAME, new Utf8FrameValidator(true));
    }
  }
}
