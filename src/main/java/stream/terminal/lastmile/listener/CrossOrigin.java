package stream.terminal.lastmile.listener;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import stream.terminal.lastmile.auth.OriginPolicy;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.core.ErrorCode;

/**
 * CORS for a listener's HTTP routes, from its {@code allowed_origins}. A request whose {@code Origin} the policy
 * refuses gets 403 before any route runs: a page elsewhere cannot make a visitor's browser create, publish or
 * read through a listener it can reach, not even "simple" requests that skip the preflight. An allowed origin
 * gets {@code Access-Control-Allow-Origin} (its own value, or {@code *} when every origin is allowed) and its
 * preflights are answered; credentials are never allowed (no cookies are used: tokens are sent explicitly).
 */
public final class CrossOrigin implements Handler<RoutingContext> {
  /** How long a browser may cache a preflight answer. */
  private static final String PREFLIGHT_MAX_AGE_SECONDS = "600";

  private final String listener;
  private final OriginPolicy policy;

  public CrossOrigin(ListenerConfig listener) {
    this.listener = listener.name();
    this.policy = OriginPolicy.of(listener.allowedOrigins());
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    HttpServerResponse response = ctx.response();
    if (!policy.allowsAny()) {
      // the answer depends on the Origin: caches must not hand one origin's answer to another
      response.putHeader("Vary", "Origin");
    }
    if (origin == null) {
      ctx.next();
      return;
    }
    if (!policy.allows(origin)) {
      HttpReplies.error(ctx, 403, ErrorCode.PERMISSION_DENIED,
          "origin " + origin + " is not in allowed_origins of listener '" + listener + "'");
      return;
    }
    response.putHeader("Access-Control-Allow-Origin", policy.allowsAny() ? "*" : origin);
    if (ctx.request().method() == HttpMethod.OPTIONS
        && ctx.request().getHeader("Access-Control-Request-Method") != null) {
      response
          .putHeader("Access-Control-Allow-Methods", "GET, PUT, POST")
          .putHeader("Access-Control-Allow-Headers", "Authorization, Content-Type")
          .putHeader("Access-Control-Max-Age", PREFLIGHT_MAX_AGE_SECONDS)
          .setStatusCode(204)
          .end();
      return;
    }
    ctx.next();
  }
}
