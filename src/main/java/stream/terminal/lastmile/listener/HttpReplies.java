package stream.terminal.lastmile.listener;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;

/** Error bodies of the HTTP surfaces: {@code {"error":{"code":"...","message":"..."}}} with a matching status. */
public final class HttpReplies {
  private HttpReplies() {}

  public static void error(RoutingContext ctx, GatewayException e) {
    if (e.storedUnknown() && !ctx.response().ended()) {
      ctx.response().setStatusCode(e.code().httpStatus());
      ctx.json(new JsonObject().put("error", new JsonObject().put("code", e.code().wire())
          .put("message", e.getMessage()).put("stored", "unknown")));
      return;
    }
    error(ctx, e.code().httpStatus(), e.code(), e.getMessage());
  }

  public static void error(RoutingContext ctx, int status, ErrorCode code, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status);
    ctx.json(new JsonObject().put("error", new JsonObject().put("code", code.wire()).put("message", message)));
  }

  public static void error(RoutingContext ctx, ErrorCode code, String message) {
    error(ctx, new GatewayException(code, message));
  }

  public static void failure(RoutingContext ctx, Throwable failure) {
    error(ctx, GatewayException.of(failure));
  }
}
