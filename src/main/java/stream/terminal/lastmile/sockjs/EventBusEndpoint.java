package stream.terminal.lastmile.sockjs;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.Transport;
import io.vertx.ext.web.impl.RoutingContextInternal;
import java.nio.ByteBuffer;
import stream.terminal.lastmile.config.Limits;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.core.ChannelNames;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.Utf8;
import stream.terminal.lastmile.listener.CrossOrigin;
import stream.terminal.lastmile.listener.HttpReplies;
import stream.terminal.lastmile.net.StrictTextFrames;
import stream.terminal.lastmile.session.Services;

/**
 * SockJS with the Vert.x event-bus bridge dialect at {@code /eventbus} of one edge listener on one event loop:
 * vertx-web's {@link SockJSHandler} and bridge, with {@link BridgeHook} deciding every client frame, so that
 * {@code @vertx/eventbus-bridge-client.js} over {@code sockjs-client} subscribes to channels unchanged.
 */
public final class EventBusEndpoint {
  public static final String PATH = "/eventbus";
  /** How often the sessions' outbound queues are checked against max_unwritable_ms. */
  private static final long SWEEP_MS = 1000;

  private final Vertx vertx;
  private final BridgeHook hook;
  private long sweepTimer = -1;

  private EventBusEndpoint(Vertx vertx, BridgeHook hook) {
    this.vertx = vertx;
    this.hook = hook;
  }

  /** Adds {@code /eventbus/*} to {@code router}, behind the listener's origin check. */
  public static EventBusEndpoint mount(Vertx vertx, Router router, ListenerConfig listener, Services services) {
    Limits limits = listener.limits();
    BridgeHook hook = new BridgeHook(vertx, listener, services);
    SockJSHandlerOptions options = new SockJSHandlerOptions()
        .setHeartbeatInterval(limits.pingIntervalMs())
        // a polling client comes back at once after each answer: a session left without a request this long is gone
        .setSessionTimeout(limits.handshakeTimeoutMs())
        // an xhr-streaming response ends after this much, and the client opens the next
        .setMaxBytesStreaming(limits.writeQueueBytes())
        // never a per-socket consumer on the event bus: nothing on the bus may write to a public client
        .setRegisterWriteHandler(false)
        // the gateway uses no cookies: no JSESSIONID=dummy for load balancers' stickiness
        .setInsertJSESSIONID(false)
        // the iframe-based transports load sockjs-client from a CDN into a page of this origin, and JSONP runs a
        // callback name the client chooses; websocket, xhr-streaming, xhr-polling and eventsource remain
        .addDisabledTransport(Transport.HTML_FILE.name())
        .addDisabledTransport(Transport.JSON_P.name());
    SockJSBridgeOptions bridge = new SockJSBridgeOptions()
        // empty permitted lists: the bridge itself lets nothing through (the hook answers what clients may do)
        .setMaxAddressLength(ChannelNames.MAX_LENGTH)
        .setMaxHandlersPerSocket(limits.maxSubscriptions())
        .setPingTimeout(limits.idleTimeoutMs());
    router.route(PATH + "/*").handler(new CrossOrigin(listener)).handler(EventBusEndpoint::corsDecided)
        .handler(EventBusEndpoint::announceClose);
    // SockJS's xhr_send and xhr transports read the request body: no larger than one WebSocket message. POST
    // only: on a GET with a multipart Content-Type the body handler throws (a 500 and a logged stack trace)
    router.post(PATH + "/*").handler(BodyHandler.create(false).setBodyLimit(limits.maxFrameBytes()));
    router.post(PATH + "/*").handler(EventBusEndpoint::requireUtf8);
    router.get(PATH + "/*").handler(EventBusEndpoint::strictWebSocketText);
    router.route(PATH + "/*").subRouter(SockJSHandler.create(vertx, options).bridge(bridge, hook));
    EventBusEndpoint endpoint = new EventBusEndpoint(vertx, hook);
    endpoint.sweepTimer = vertx.setPeriodic(SWEEP_MS, id -> hook.sweep(System.currentTimeMillis()));
    return endpoint;
  }

  /**
   * SockJS frames are JSON text: a body that is not UTF-8 gets {@code bad_request} (400) rather than reaching the
   * session with U+FFFD in place of its bytes (sockjs-client then closes the session, as for any failed send).
   */
  private static void requireUtf8(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body != null && body.length() > 0) {
      try {
        Utf8.decode(ByteBuffer.wrap(body.getBytes()), "the SockJS request body");
      } catch (GatewayException e) {
        HttpReplies.error(ctx, e);
        return;
      }
    }
    ctx.next();
  }

  /** The same strictness on the WebSocket transports: an invalid text frame fails the connection with 1007. */
  private static void strictWebSocketText(RoutingContext ctx) {
    if (ctx.request().path().endsWith("/websocket")) {
      StrictTextFrames.beforeUpgrade(ctx.request());
    }
    ctx.next();
  }

  /**
   * CrossOrigin has decided (403, or the listener's own {@code Access-Control-Allow-Origin}). Without this mark,
   * every SockJS transport overwrites it with the request's Origin and {@code Access-Control-Allow-Credentials:
   * true}; the mark is the one vertx-web's own CorsHandler sets, which the transports check (BaseTransport).
   */
  private static void corsDecided(RoutingContext ctx) {
    ((RoutingContextInternal) ctx).visitHandler(RoutingContextInternal.CORS_HANDLER);
    ctx.next();
  }

  /**
   * SockJS closes the connection of every xhr-polling answer, and of an xhr-streaming one once it has sent
   * max_bytes_streaming, without saying so: a client that keeps connections alive (Node's agent, the JDK's)
   * then sends its next request on a connection that is closing, that request fails, and sockjs-client drops the
   * session (1006). Saying {@code Connection: close} keeps clients from reusing those connections.
   */
  private static void announceClose(RoutingContext ctx) {
    String path = ctx.request().path();
    if (path.endsWith("/xhr") || path.endsWith("/xhr_streaming")) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    ctx.next();
  }

  /** The node is stopping: every session gets its close (4000, reconnect elsewhere). */
  public void drain() {
    vertx.cancelTimer(sweepTimer);
    hook.drain();
  }
}
