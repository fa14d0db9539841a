package stream.terminal.lastmile.sse;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import stream.terminal.lastmile.auth.TokenAuth;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.config.Permission;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.identity.Bearer;
import stream.terminal.lastmile.identity.Identity;
import stream.terminal.lastmile.protocol.Json;
import stream.terminal.lastmile.listener.CrossOrigin;
import stream.terminal.lastmile.listener.HttpReplies;
import stream.terminal.lastmile.session.Services;

/**
 * Server-Sent Events on one listener on one event loop: {@code GET /sse?channel=A&channel=B}. It checks the
 * request (origin, token, permission, channels, resume positions) before anything is streamed, starts an
 * {@link SseConnection} per client, sends each stream a heartbeat, and cuts streams whose outbound queue stays
 * full past {@code max_unwritable_ms}.
 */
public final class SseEndpoint {
  /** A refresh body: a stream id and a token, far under this. */
  private static final int MAX_REFRESH_BYTES = 16 * 1024;
  /** Streams get their heartbeat in this many groups spread over the interval, not all at once. */
  private static final int SWEEP_SLICES = 10;
  /** Proxies and load balancers commonly close a response idle for 30 to 60 s: heartbeats come at least this often. */
  static final int MAX_HEARTBEAT_MS = 15_000;
  private static final System.Logger LOG = System.getLogger(SseEndpoint.class.getName());

  private final Vertx vertx;
  private final ListenerConfig config;
  private final Services services;
  private final TokenAuth auth;
  private final Set<SseConnection> connections = new HashSet<>();
  private long sweepTimer = -1;
  private int nextSlice;
  private int sweepTick;

  public SseEndpoint(Vertx vertx, ListenerConfig config, Services services) {
    this.vertx = vertx;
    this.config = config;
    this.services = services;
    this.auth = new TokenAuth(config.authTokens());
  }

  /**
   * Serves {@code /sse} and the token refresh of its streams, {@code POST /sse/auth}, on the listener's router,
   * with CORS from its {@code allowed_origins}.
   */
  public void mount(Router router) {
    router.route("/sse").handler(new CrossOrigin(config));
    router.get("/sse").handler(this::open);
    router.route("/sse/auth").handler(new CrossOrigin(config));
    router.post("/sse/auth").handler(BodyHandler.create(false).setBodyLimit(MAX_REFRESH_BYTES)).handler(this::refresh);
    sweepTimer = vertx.setPeriodic(Math.max(1, heartbeatMs(config) / SWEEP_SLICES), id -> sweep());
  }

  /** {@code ping_interval_ms}, or less when that is longer than proxies keep an idle response open. */
  static int heartbeatMs(ListenerConfig config) {
    return Math.min(config.limits().pingIntervalMs(), MAX_HEARTBEAT_MS);
  }

  Vertx vertx() {
    return vertx;
  }

  ListenerConfig config() {
    return config;
  }

  private void open(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String authorization = request.getHeader("Authorization");
    if (authorization != null) {
      // a client that can set headers (the browser client reads the stream with fetch when it has a token)
      Bearer.authenticate(authorization, services.identity().authenticator(), config).onComplete(ar -> {
        if (ar.succeeded()) {
          open(ctx, ar.result());
        } else {
          refuseIdentity(ctx, GatewayException.of(ar.cause()));
        }
      });
      return;
    }
    if (auth.required() || config.requireIdentity()) {
      // EventSource cannot set headers: a listener token may come as a parameter instead
      if (!auth.required() || !auth.acceptsToken(request.getParam("token"))) {
        refuseIdentity(ctx, new GatewayException(ErrorCode.UNAUTHENTICATED,
            "send a credential as Authorization: Bearer, or one of the listener's tokens as the token parameter"));
        return;
      }
      open(ctx, Identity.LISTENER_TOKEN);
      return;
    }
    open(ctx, Identity.ANONYMOUS);
  }

  private void open(RoutingContext ctx, Identity identity) {
    HttpServerRequest request = ctx.request();
    SseRequest wanted;
    try {
      config.require(Permission.SUBSCRIBE);
      wanted = SseRequest.parse(request.params(), request.getHeader("Last-Event-ID"),
          Math.min(SseRequest.MAX_CHANNELS, config.limits().maxSubscriptions()));
    } catch (GatewayException e) {
      refuse(ctx, e);
      return;
    }
    SseConnection connection = new SseConnection(request, this, services, nextSlice++ % SWEEP_SLICES);
    connection.session().signedOn(identity);
    connections.add(connection);
    services.metrics().connectionOpened(config.role());
    connection.open(wanted, ctx);
  }

  /**
   * {@code POST /sse/auth} with {@code {"stream": id, "token": credential}}: a new credential for a stream this
   * node carries, before its identity expires. The token travels in the body, never in a URL (URLs get logged).
   */
  private void refresh(RoutingContext ctx) {
    JsonNode body = Json.parse(ctx.body().asString());
    JsonNode stream = body == null ? null : body.get("stream");
    JsonNode token = body == null ? null : body.get("token");
    if (stream == null || !stream.isTextual() || token == null || !token.isTextual() || token.textValue().isEmpty()) {
      refuse(ctx, new GatewayException(ErrorCode.BAD_REQUEST, "the body must be {\"stream\": string, \"token\": string}"));
      return;
    }
    services.directory()
        .withSession(stream.textValue(), session -> session.authenticate(token.textValue()).map(Identity::describe))
        .onSuccess(ctx::json)
        .onFailure(e -> refuse(ctx, GatewayException.of(e)));
  }

  private void refuseIdentity(RoutingContext ctx, GatewayException e) {
    services.metrics().rejected("auth");
    LOG.log(Level.DEBUG, "refused {0} on {1}: {2}", ctx.request().remoteAddress(), config.name(), e.getMessage());
    refuse(ctx, e);
  }

  private void refuse(RoutingContext ctx, GatewayException e) {
    refused(e);
    HttpReplies.error(ctx, e);
  }

  void refused(GatewayException e) {
    services.metrics().error(e.code());
  }

  /** A slice of the streams, in turn: heartbeats, and the cut of those whose queue stayed full too long. */
  private void sweep() {
    int slice = sweepTick++ % SWEEP_SLICES;
    long now = System.currentTimeMillis();
    List<SseConnection> due = new ArrayList<>(connections.size() / SWEEP_SLICES + 1);
    for (SseConnection connection : connections) {
      if (connection.sweepSlice() == slice) {
        due.add(connection);
      }
    }
    for (SseConnection connection : due) {
      if (connection.unwritableMs(now) > config.limits().maxUnwritableMs()) {
        LOG.log(Level.INFO, "dropping slow SSE consumer on {0}: outbound queue full for {1} ms",
            config.name(), connection.unwritableMs(now));
        connection.session().disconnect(Disconnect.SLOW_CONSUMER);
      } else {
        connection.ping();
      }
    }
  }

  void closed(SseConnection connection) {
    if (connections.remove(connection)) {
      services.metrics().connectionClosed(config.role());
    }
  }

  /** The node is stopping: no more heartbeats, and every stream gets its {@code disconnect} event and ends. */
  public void stop() {
    vertx.cancelTimer(sweepTimer);
    new ArrayList<>(connections).forEach(c -> c.session().drain());
  }
}
