package stream.terminal.lastmile.ops;

import io.vertx.ext.web.Router;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.config.Role;
import stream.terminal.lastmile.node.CrossOrigin;
import stream.terminal.lastmile.node.HttpReplies;
import stream.terminal.lastmile.node.ListenerVerticle;
import stream.terminal.lastmile.node.NodeServices;
import stream.terminal.lastmile.protocol.ErrorCode;

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
