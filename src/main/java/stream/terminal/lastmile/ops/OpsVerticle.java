package stream.terminal.lastmile.ops;

import io.vertx.ext.web.Router;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.config.Role;
import stream.terminal.lastmile.listener.CrossOrigin;
import stream.terminal.lastmile.listener.HttpReplies;
import stream.terminal.lastmile.listener.ListenerVerticle;
import stream.terminal.lastmile.listener.NodeServices;
import stream.terminal.lastmile.core.ErrorCode;

/** Ops listeners: {@code /health}, {@code /ready}, {@code /metrics} and nothing else, on every node. */
public final class OpsVerticle extends ListenerVerticle {
  public OpsVerticle(NodeServices node) {
    super(node);
  }

  @Override
  protected Role role() {
    return Role.OPS;
  }

  @Override
  protected boolean webSockets() {
    return false;
  }

  @Override
  protected Router router(ListenerConfig listener) {
    Router router = Router.router(vertx);
    router.route().handler(new CrossOrigin(listener));
    OperationsRoutes.mount(router, node.ready(), node.prometheus());
    router.route().handler(ctx -> HttpReplies.error(ctx, 404, ErrorCode.BAD_REQUEST,
        "an ops listener serves /health, /ready and /metrics"));
    return router;
  }
}
