package stream.terminal.lastmile.edge;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.config.Role;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.listener.HttpReplies;
import stream.terminal.lastmile.listener.ListenerVerticle;
import stream.terminal.lastmile.listener.NodeServices;
import stream.terminal.lastmile.sockjs.EventBusEndpoint;
import stream.terminal.lastmile.sse.SseEndpoint;

/**
 * The public side: subscribers' WebSockets, Server-Sent Events streams, and SockJS with the event-bus bridge
 * dialect at {@code /eventbus}. Its HTTP router serves nothing that reaches the private side: the browser client
 * at {@code /client.js}, the demo page when the listener has {@code demo_page}, and 404 for every other plain
 * request.
 */
public final class EdgeVerticle extends ListenerVerticle {
  private final List<SseEndpoint> streams = new ArrayList<>();
  private final List<EventBusEndpoint> eventBuses = new ArrayList<>();

  public EdgeVerticle(NodeServices node) {
    super(node);
  }

  @Override
  protected Role role() {
    return Role.EDGE;
  }

  @Override
  protected Router router(ListenerConfig listener) {
    Router router = Router.router(vertx);
    ClientScript.mount(router, listener);
    if (listener.demoPage()) {
      DemoPage.mount(router, listener);
    }
    SseEndpoint sse = new SseEndpoint(vertx, listener, node.forLoop(context));
    sse.mount(router);
    streams.add(sse);
    // SockJS clients cannot send a header: they sign on with a send to last-mile.auth (BridgeHook)
    eventBuses.add(EventBusEndpoint.mount(vertx, router, listener, node.forLoop(context)));
    router.route().handler(ctx -> HttpReplies.error(ctx, 404, ErrorCode.BAD_REQUEST,
        "this is a subscriber endpoint: WebSocket on / or /ws, GET /sse, or SockJS at /eventbus"));
    return router;
  }

  /** Streams and SockJS sessions end with their notice before the servers' graceful shutdown. */
  @Override
  public Future<?> stop() {
    streams.forEach(SseEndpoint::stop);
    eventBuses.forEach(EventBusEndpoint::drain);
    return super.stop();
  }
}
