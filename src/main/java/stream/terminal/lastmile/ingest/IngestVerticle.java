package stream.terminal.lastmile.ingest;

import io.vertx.ext.web.Router;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.config.Role;
import stream.terminal.lastmile.listener.ListenerVerticle;
import stream.terminal.lastmile.listener.NodeServices;
import stream.terminal.lastmile.ops.OperationsRoutes;
import stream.terminal.lastmile.listener.CrossOrigin;
import stream.terminal.lastmile.listener.HttpReplies;
import stream.terminal.lastmile.core.ErrorCode;

/** The private side: publishers' WebSockets, the HTTP ingest API and the operations endpoints. */
public final class IngestVerticle extends ListenerVerticle {
  public IngestVerticle(NodeServices node) {
    super(node);
  }

  @Override
  protected Role role() {
    return Role.INGEST;
  }

  @Override
  protected Router router(ListenerConfig listener) {
    Router router = Router.router(vertx);
    router.route().handler(new CrossOrigin(listener));
    OperationsRoutes.mount(router, node.ready(), node.prometheus());
    ChannelRoutes.mount(router, listener, node.registry(), node.publisher(), node.identity(),
        node.config().historyMaxPage());
    router.route().handler(ctx -> HttpReplies.error(ctx, 404, ErrorCode.BAD_REQUEST, "no such resource: " + ctx.request().path()));
    router.errorHandler(413, ctx -> HttpReplies.error(ctx, ErrorCode.TOO_LARGE,
        "body exceeds " + listener.limits().maxDataBytes() + " bytes"));
    router.errorHandler(500, ctx -> HttpReplies.failure(ctx, ctx.failure()));
    return router;
  }
}
