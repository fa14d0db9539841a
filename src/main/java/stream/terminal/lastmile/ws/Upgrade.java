package stream.terminal.lastmile.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpResponse;
import java.util.List;

/**
 * Takes a connection from Vert.x's HTTP server once its upgrade request is accepted: writes the 101 through the
 * HTTP encoder, then replaces the HTTP handlers and Vert.x's own connection handler with a frame decoder, the
 * size guard and the {@link WebSocketConnection}. Whatever sits in front of them (TLS, the read throttle) stays,
 * and the channel stays in the server's channel group, so a graceful shutdown still reaches it as an event.
 * Vert.x keeps no reference to the connection afterwards: its HTTP connection, request and response objects
 * become garbage, and with them its per-connection write queue (4 KiB) and WebSocket objects.
 *
 * <p>Vert.x's HTTP metrics (when enabled) see the upgrade request end with 101 and the connection close, as they
 * did when Vert.x upgraded; they no longer count open WebSockets, which the gateway's own metrics do.
 */
final class Upgrade {
  /**
   * The Vert.x handlers of an HTTP/1.x connection that have no part in a WebSocket. A listener that speaks h2c
   * also has Vert.x's "h2c" upgrade handler, which removes itself once it has passed on the first request.
   */
  private static final List<String> HTTP_HANDLERS =
      List.of("httpDecoder", "httpEncoder", "inflater", "deflater", "chunkedWriter");

  private Upgrade() {}

  /**
   * Completes the handshake and hands the connection to {@code connection}; call on the connection's event loop,
   * from the request's handler, before anything else is written to it.
   *
   * @param decoder the frame decoder's settings, from {@link #decoderConfig}
   * @param maxFrameBytes the largest message a client may send: {@link FrameSizeGuard} discards larger frames
   */
  static void complete(HttpServerRequest request, Handshake handshake, WebSocketConnection connection,
      WebSocketDecoderConfig decoder, long maxFrameBytes) {
    Http1xServerConnection http = (Http1xServerConnection) request.connection();
    ChannelHandlerContext vertxHandler = http.channelHandlerContext();
    ChannelPipeline pipeline = vertxHandler.pipeline();
    reportToMetrics(request, http);
    // through the HTTP encoder, and past RequestDeadlines, which takes itself out on a 101
    vertxHandler.writeAndFlush(handshake.response(), vertxHandler.voidPromise());
    pipeline.addAfter(vertxHandler.name(), "wsDecoder", new WebSocket13FrameDecoder(decoder));
    pipeline.addAfter("wsDecoder", "wsConnection", connection);
    FrameSizeGuard.install(pipeline, maxFrameBytes, connection::tooLargeFrame);
    // bytes the HTTP decoder holds past the request go on to the guard when it is removed
    pipeline.remove(vertxHandler.handler());
    for (String name : HTTP_HANDLERS) {
      if (pipeline.get(name) != null) {
        pipeline.remove(name);
      }
    }
  }

  /**
   * The settings of every connection's frame decoder: client frames masked, no extensions.
   *
   * @param cap the largest frame the decoder itself reads, a bound for bytes that reach it before the guard
   */
  static WebSocketDecoderConfig decoderConfig(int cap) {
    return WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(cap)
        .expectMaskedFrames(true)
        .allowMaskMismatch(false)
        .allowExtensions(false)
        // a violation reaches WebSocketConnection.exceptionCaught, which writes the close frame: the decoder's
        // own would be a frame object, and nothing below it encodes frame objects
        .closeOnProtocolViolation(false)
        .build();
  }

  /**
   * Reports the upgrade request's end to Vert.x's HTTP metrics, and arranges for the connection's close to be
   * reported when it comes: Vert.x's connection object, which would report it, is gone by then.
   */
  private static void reportToMetrics(HttpServerRequest request, Http1xServerConnection http) {
    HttpServerMetrics<Object, Object, Object> metrics = http.metrics();
    if (metrics == null) {
      return;
    }
    Object requestMetric = ((HttpServerRequestInternal) request).metric();
    if (requestMetric != null && request.response() instanceof HttpResponse response) {
      request.response().setStatusCode(101);
      metrics.responseBegin(requestMetric, response);
      metrics.responseEnd(requestMetric, response, 0);
    }
    Object socketMetric = http.metric();
    SocketAddress remote = http.remoteAddress();
    http.channelHandlerContext().channel().closeFuture().addListener(f -> metrics.disconnected(socketMetric, remote));
  }
}
