package stream.terminal.lastmile.ws;

import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.internal.ContextInternal;
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
  private final ContextInternal context;
  private final ListenerConfig config;
  private final Services services;
  private final TokenAuth auth;
  private final OriginPolicy origins;
  private final WebSocketDecoderConfig decoderConfig;
  private final Set<WebSocketConnection> connections = new HashSet<>();
  private final Flusher flusher = new Flusher();
  private long sweepTimer = -1;
  private int nextSlice;
  private int sweepTick;

  /** Call from the owning verticle's context: its connections run on it. */
  public Endpoint(Vertx vertx, ListenerConfig config, Services services) {
    this.vertx = vertx;
    this.context = (ContextInternal) vertx.getOrCreateContext();
    this.config = config;
    this.services = services;
    this.auth = new TokenAuth(config.authTokens());
    this.origins = OriginPolicy.of(config.allowedOrigins());
    this.decoderConfig = Upgrade.decoderConfig(hardFrameCap(config));
  }

  Vertx vertx() {
    return vertx;
  }

  /** The verticle's context, where each connection's session handles what arrives. */
  ContextInternal context() {
    return context;
  }

  ListenerConfig config() {
    return config;
  }

  /** Flushes this listener's connections on this event loop: each session writes through it. */
  Flusher flusher() {
    return flusher;
  }

  /**
   * Server options carrying the listener's address and its frame limits. The WebSocket options are those of the
   * upgrades Vert.x itself still makes: SockJS's on its own paths.
   */
  public HttpServerOptions serverOptions() {
    return new HttpServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        // every write to a connection happens on its event loop: an HTTP connection then writes straight to
        // Netty, without Vert.x's cross-thread queue (a 1024-slot array, ~4 KiB per connection)
        .setStrictThreadMode(true)
        .setMaxWebSocketFrameSize(hardFrameCap(config))
        .setMaxWebSocketMessageSize(hardFrameCap(config))
        // per-message deflate would cost one compression per subscriber per message
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false);
  }

  /**
   * The largest single frame the WebSocket decoder reads. Frames over max_frame_bytes never reach it: each
   * connection's {@link FrameSizeGuard} discards them and closes with 1009. The cap still bounds the memory of a
   * frame that reaches a decoder without a guard (SockJS's).
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
    Handshake handshake;
    try {
      handshake = Handshake.of(request, auth);
    } catch (Handshake.Refused e) {
      if (e.status() == 426) {
        ctx.response().putHeader("Sec-WebSocket-Version", Handshake.VERSION);
      }
      reply(ctx, e.status(), new GatewayException(ErrorCode.BAD_REQUEST, e.getMessage()));
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
          accept(request, handshake, ar.result());
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
      accept(request, handshake, Identity.LISTENER_TOKEN);
      return;
    }
    accept(request, handshake, Identity.ANONYMOUS);
  }

  /** A refused handshake: its HTTP status and the error as JSON, before any WebSocket frame. */
  private void refuse(RoutingContext ctx, GatewayException error) {
    services.metrics().rejected("auth");
    services.metrics().error(error.code());
    reply(ctx, error.code().httpStatus(), error);
  }

  private void reply(RoutingContext ctx, int status, GatewayException error) {
    LOG.log(Level.DEBUG, "refused {0} on {1}: {2}", ctx.request().remoteAddress(), config.name(), error.getMessage());
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("code", error.code().wire())
            .put("message", error.getMessage())).encode());
  }

  /** Completes the handshake and starts the connection's session, unless the client left meanwhile. */
  private void accept(HttpServerRequest request, Handshake handshake, Identity identity) {
    // the router hands out a wrapper of the request; its connection is the real one
    if (!((HttpServerConnection) request.connection()).channelHandlerContext().channel().isActive()) {
      LOG.log(Level.DEBUG, "{0} on {1} left before its upgrade", request.remoteAddress(), config.name());
      return;
    }
    WebSocketConnection connection = new WebSocketConnection(this, services, nextSlice++ % SWEEP_SLICES);
    Upgrade.complete(request, handshake, connection, decoderConfig, config.limits().maxFrameBytes());
    connections.add(connection);
    services.metrics().connectionOpened(config.role());
    connection.session().signedOn(identity);
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

  /** Stops pinging; the server's graceful shutdown reaches each connection, which sends its disconnect notice. */
  public void stop() {
    vertx.cancelTimer(sweepTimer);
  }
}
