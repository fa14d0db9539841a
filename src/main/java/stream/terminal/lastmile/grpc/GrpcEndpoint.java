package stream.terminal.lastmile.grpc;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.grpc.server.GrpcProtocol;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.net.HttpSurface;
import stream.terminal.lastmile.session.Services;

/**
 * The gRPC ingest API on one listener with {@code grpc: true}, on one event loop: HTTP/2 requests of content
 * type {@code application/grpc*} go to a {@link GrpcServer} carrying the {@link GrpcIngestService}, every
 * other request to the listener's router. It keeps what the listener's calls share per connection, drains the
 * open streams when the node stops, and ends Subscribe calls whose response stays full past
 * {@code max_unwritable_ms}.
 */
public final class GrpcEndpoint {
  /** Streams one HTTP/2 connection may have open at once: each is a call, and calls cost state. */
  static final long MAX_CONCURRENT_STREAMS = 128;
  /** What a PublishRequest adds to its payload: the channel's name, a signature, the sequence, the framing. */
  static final int REQUEST_OVERHEAD = 4096;
  private static final System.Logger LOG = System.getLogger(GrpcEndpoint.class.getName());

  private final Vertx vertx;
  private final ListenerConfig listener;
  private final GrpcServer server;
  private final Map<HttpConnection, GrpcConnection> connections = new HashMap<>();
  private final Set<PublishStreamCall> streams = new LinkedHashSet<>();
  private final Set<GrpcSubscription> subscriptions = new LinkedHashSet<>();
  private final long sweepTimer;

  public GrpcEndpoint(Vertx vertx, ListenerConfig listener, Services services) {
    this.vertx = vertx;
    this.listener = listener;
    long maxMessageBytes = (long) listener.limits().maxDataBytes() + REQUEST_OVERHEAD;
    GrpcServerOptions options = new GrpcServerOptions()
        .setMaxMessageSize(maxMessageBytes)
        // each call keeps its own deadline (GrpcCall), to release what it holds when it passes
        .setScheduleDeadlineAutomatically(false);
    // gRPC over HTTP/2 only: no gRPC-Web or transcoding, which would open the API to HTTP/1.1 and to browsers
    for (GrpcProtocol protocol : GrpcProtocol.values()) {
      if (protocol != GrpcProtocol.HTTP_2) {
        options.removeEnabledProtocol(protocol);
      }
    }
    this.server = GrpcServer.server(vertx, options)
        .addService(new GrpcIngestService(vertx, listener, services, this, maxMessageBytes));
    this.sweepTimer = vertx.setPeriodic(listener.limits().pingIntervalMs(), id -> sweep());
  }

  /**
   * The listener's server options with HTTP/2 on: cleartext by prior knowledge (h2c, as gRPC clients connect;
   * an {@code Upgrade: h2c} is honoured too) without TLS, negotiated by ALPN ({@code h2}, else
   * {@code http/1.1}) with it. Each connection has at most {@value #MAX_CONCURRENT_STREAMS} streams open, and
   * headers bounded as on HTTP/1.1.
   */
  public static HttpServerOptions speakHttp2(HttpServerOptions options, ListenerConfig listener) {
    options.setHttp2ClearTextEnabled(true)
        .setInitialSettings(new Http2Settings()
            .setMaxConcurrentStreams(MAX_CONCURRENT_STREAMS)
            .setMaxHeaderListSize(HttpSurface.MAX_HEADERS));
    if (listener.tls() != null) {
      options.setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    }
    return options;
  }

  /** The listener's request handler: gRPC calls here, everything else to {@code router}. */
  public Handler<HttpServerRequest> handler(Handler<HttpServerRequest> router) {
    return request -> {
      String type = request.getHeader("content-type");
      if (request.version() == HttpVersion.HTTP_2 && type != null && type.startsWith("application/grpc")) {
        server.handle(request);
      } else {
        router.handle(request);
      }
    };
  }

  /** What the calls of one HTTP/2 connection share; forgotten when it closes. */
  GrpcConnection connection(HttpConnection http) {
    GrpcConnection connection = connections.get(http);
    if (connection == null) {
      connection = new GrpcConnection(listener.limits());
      connections.put(http, connection);
      http.closeHandler(v -> connections.remove(http));
    }
    return connection;
  }

  void opened(PublishStreamCall stream) {
    streams.add(stream);
  }

  void closed(PublishStreamCall stream) {
    streams.remove(stream);
  }

  void opened(GrpcSubscription subscription) {
    subscriptions.add(subscription);
  }

  void closed(GrpcSubscription subscription) {
    subscriptions.remove(subscription);
  }

  /** Subscribe calls whose response stayed full too long end as slow consumers. */
  private void sweep() {
    long now = System.currentTimeMillis();
    for (GrpcSubscription subscription : new ArrayList<>(subscriptions)) {
      long unwritable = subscription.unwritableMs(now);
      if (unwritable > listener.limits().maxUnwritableMs()) {
        LOG.log(Level.INFO, "dropping slow gRPC subscriber on {0}: response full for {1} ms", listener.name(), unwritable);
        subscription.session().disconnect(Disconnect.SLOW_CONSUMER);
      }
    }
  }

  /**
   * The node is stopping: PublishStreams stop reading and end (UNAVAILABLE) once what they read is acknowledged,
   * Subscribe calls end the same way; the server's graceful shutdown bounds the wait.
   */
  public void stop() {
    vertx.cancelTimer(sweepTimer);
    new ArrayList<>(streams).forEach(PublishStreamCall::drain);
    new ArrayList<>(subscriptions).forEach(s -> s.session().drain());
  }
}
