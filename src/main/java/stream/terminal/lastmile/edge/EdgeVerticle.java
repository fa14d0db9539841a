package stream.terminal.lastmile.edge;

import io.vertx.ext.web.Router;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.config.Role;
import stream.terminal.lastmile.listener.HttpReplies;
import stream.terminal.lastmile.listener.ListenerVerticle;
import stream.terminal.lastmile.listener.NodeServices;
import stream.terminal.lastmile.core.ErrorCode;

/**
 * The public side: subscribers' WebSockets. Its HTTP router serves nothing that reaches the private side: the
 * browser client at {@code /client.js}, the demo page when the listener has {@code demo_page}, and 404 for every
 * other plain request.
 */
public final class EdgeVerticle extends ListenerVerticle {
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
    router.route().handler(ctx -> HttpReplies.error(
        ctx, 404, ErrorCode.BAD_REQUEST, "this is a WebSocket endpoint: connect to / or /ws"));
    return router;
  }
}
