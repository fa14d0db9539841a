package stream.terminal.lastmile.ws;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import stream.terminal.lastmile.auth.OriginPolicy;
import stream.terminal.lastmile.auth.TokenAuth;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.identity.Bearer;
import stream.terminal.lastmile.identity.Identity;
import stream.terminal.lastmile.session.Services;

/**
 * The WebSocket side of one listener on one event loop: it gates upgrades on / and /ws (origin, token),
 * starts a {@link WebSocketConnection} per client, and pings them, dropping those that stopped answering.
 */
public final class Endpoint {
  /** Sessions are pinged in this many groups spread over the interval: 10,000 pings at once stall the loop. */
  private static final int SWEEP_SLICES = 10;
  private static final System.Logger LOG = System.getLogger(Endpoint.class.getName());

  private final Vertx vertx;
  private final ListenerConfig config;
  private final Services services;
  private final TokenAuth auth;
  private final OriginPolicy origins;
  private final Set<WebSocketConnection> connections = new HashSet<>();
  private final Flusher flusher = new Flusher();
  private long sweepTimer = -1;
  private int nextSlice;
  private int sweepTick;

  public Endpoint(Vertx vertx, ListenerConfig config, Services services) {
    this.vertx = vertx;
    this.config = config;
    this.services = services;
    this.auth = new TokenAuth(config.authTokens());
    this.origins = OriginPolicy.of(config.allowedOrigins());
  }
  Vertx vertx() {
    return vertx;
  }


  ListenerConfig config() {
    return config;
  }

  /** Flushes this listener's connections on this event loop: each session writes through it. */
  Flusher flusher() {
    return flusher;
  }

  /** Server options carrying the listener's address and its frame limits. */
  public HttpServerOptions serverOptions() {
    return new HttpServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        // every write to a connection happens on its event loop: an HTTP connection then writes straight to
        // Netty, without Vert.x's cross-thread queue (a 1024-slot array, ~4 KiB per connection, upgraded or not)
        .setStrictThreadMode(true)
        .setMaxWebSocketFrameSize(hardFrameCap(config))
        .setMaxWebSocketMessageSize(hardFrameCap(config))
        // per-message deflate would cost one compression per subscriber per message
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        // lets the handshake echo the token a client offered, as browsers require of a sub-protocol
        .setWebSocketSubProtocols(config.authTokens());
  }

  /**
   * The largest single frame the WebSocket codec reads. Frames over max_frame_bytes never reach it: each
   * session's {@link FrameSizeGuard} discards them and closes with 1009. The cap still bounds the memory of a
   * frame that arrives in the same read as the handshake, before the guard is in place.
   */
  private static int hardFrameCap(ListenerConfig config) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(64L * 1024, 4L * config.limits().maxFrameBytes()));
  }

  /**
   * Serves WebSockets on {@code /} and {@code /ws} of the router, ahead of its other routes. Upgrades go through
   * the router (a server-wide WebSocket handler would take every upgrade) so that SockJS can upgrade on its own
   * paths; an upgrade to any other path gets the router's 404. Call from the owning verticle's context.
   */
  public void install(Router router) {
    router.route("/").order(-2).handler(this::upgrade);
    router.route("/ws").order(-1).handler(this::upgrade);
    sweepTimer = vertx.setPeriodic(Math.max(1, config.limits().pingIntervalMs() / SWEEP_SLICES), id -> sweep());
  }

  private void upgrade(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!request.canUpgradeToWebSocket()) {
      ctx.next();
      return;
    }
    // cross-site WebSocket hijacking: a page elsewhere opening a socket from a visitor's browser
    if (!origins.allows(request.getHeader("Origin"))) {
      services.metrics().rejected("origin");
      ctx.response().setStatusCode(403).end();
      return;
    }
    String authorization = request.getHeader("Authorization");
    if (authorization != null) {
      // clients that can set headers (not browsers) sign on in the handshake; browsers send an auth command
      Bearer.authenticate(authorization, services.identity().authenticator(), config).onComplete(ar -> {
        if (ar.succeeded()) {
          accept(request, ar.result());
        } else {
          refuse(ctx, GatewayException.of(ar.cause()));
        }
      });
      return;
    }
    if (auth.required()) {
      // TSLM's way: one of the listener's tokens offered as a sub-protocol
      if (!auth.acceptsOffer(String.join(",", request.headers().getAll("Sec-WebSocket-Protocol")))) {
        refuse(ctx, new GatewayException(ErrorCode.UNAUTHENTICATED, "offer one of the listener's tokens"));
        return;
      }
      accept(request, Identity.LISTENER_TOKEN);
      return;
    }
    accept(request, Identity.ANONYMOUS);
  }

  /** A refused handshake: its HTTP status and the error as JSON, before any WebSocket frame. */
  private void refuse(RoutingContext ctx, GatewayException error) {
    services.metrics().rejected("auth");
    services.metrics().error(error.code());
    LOG.log(Level.DEBUG, "refused {0} on {1}: {2}", ctx.request().remoteAddress(), config.name(), error.getMessage());
    ctx.response().setStatusCode(error.code().httpStatus()).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("code", error.code().wire())
            .put("message", error.getMessage())).encode());
  }

  private void accept(HttpServerRequest request, Identity identity) {
    // the router hands out a wrapper of the request and of its WebSocket; the connection below is the real one
    ChannelPipeline pipeline = ((HttpServerConnection) request.connection()).channelHandlerContext().pipeline();
    request.toWebSocket().onSuccess(ws -> {
      WebSocketConnection connection =
          new WebSocketConnection(ws, pipeline, this, services, nextSlice++ % SWEEP_SLICES);
      connections.add(connection);
      services.metrics().connectionOpened(config.role());
      connection.session().signedOn(identity);
      connection.start();
    }).onFailure(e -> LOG.log(Level.DEBUG, "upgrade from {0} on {1} failed: {2}",
        request.remoteAddress(), config.name(), e.toString()));
  }

  /**
   * A slice of the sessions, in turn: pings each client and drops those silent for too long, and those whose
   * outbound queue stayed full too long (a replay waits for room without writing, so no write would drop them).
   */
  private void sweep() {
    int slice = sweepTick++ % SWEEP_SLICES;
    long now = System.currentTimeMillis();
    List<WebSocketConnection> due = new ArrayList<>(connections.size() / SWEEP_SLICES + 1);
    for (WebSocketConnection connection : connections) {
      if (connection.sweepSlice() == slice) {
        due.add(connection);
      }
    }
    for (WebSocketConnection connection : due) {
      if (now - connection.lastReadMs() > config.limits().idleTimeoutMs()) {
        connection.session().disconnect(Disconnect.IDLE_TIMEOUT);
      } else if (connection.unwritableMs(now) > config.limits().maxUnwritableMs()) {
        LOG.log(Level.INFO, "dropping slow consumer on {0}: outbound queue full for {1} ms",
            config.name(), connection.unwritableMs(now));
        connection.session().disconnect(Disconnect.SLOW_CONSUMER);
      } else {
        connection.ping();
      }
    }
  }

  void closed(WebSocketConnection connection) {
    if (connections.remove(connection)) {
      services.metrics().connectionClosed(config.role());
    }
  }

  /** Stops pinging; the server's shutdown sends each session its disconnect notice. */
  public void stop() {
    vertx.cancelTimer(sweepTimer);
  }
}
