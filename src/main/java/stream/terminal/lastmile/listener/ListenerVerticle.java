package stream.terminal.lastmile.listener;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.config.Role;
import stream.terminal.lastmile.grpc.GrpcEndpoint;
import stream.terminal.lastmile.net.HttpSurface;
import stream.terminal.lastmile.net.ListenerGuard;
import stream.terminal.lastmile.ws.Endpoint;

/**
 * Opens every listener of one role on this verticle's event loop: WebSockets through an {@link Endpoint}, plain
 * HTTP through the router the role builds, gRPC on HTTP/2 through a {@link GrpcEndpoint} where the listener has
 * {@code grpc: true}. {@link #start()} fails when any listener cannot bind.
 */
public abstract class ListenerVerticle extends VerticleBase {
  protected final NodeServices node;
  private final List<Endpoint> endpoints = new ArrayList<>();
  private final List<GrpcEndpoint> grpcEndpoints = new ArrayList<>();
  private final List<HttpServer> servers = new ArrayList<>();

  protected ListenerVerticle(NodeServices node) {
    this.node = node;
  }

  protected abstract Role role();

  /** The HTTP routes of a listener of this role. */
  protected abstract Router router(ListenerConfig listener);

  /** Whether listeners of this role accept WebSocket clients. */
  protected boolean webSockets() {
    return true;
  }

  @Override
  public Future<?> start() {
    List<Future<?>> bound = new ArrayList<>();
    for (ListenerConfig listener : node.config().listeners(role())) {
      Endpoint endpoint = new Endpoint(vertx, listener, node.forLoop(context));
      Router router = router(listener);
      if (webSockets()) {
        endpoint.install(router);
        endpoints.add(endpoint);
      }
      HttpServerOptions options = ListenerTls.apply(vertx, listener, HttpSurface.restrict(endpoint.serverOptions()));
      Handler<HttpServerRequest> requests = router;
      if (listener.grpc()) {
        GrpcEndpoint grpc = new GrpcEndpoint(vertx, listener, node.forLoop(context));
        grpcEndpoints.add(grpc);
        options = GrpcEndpoint.speakHttp2(options, listener);
        requests = grpc.handler(router);
      }
      HttpServer server = vertx.createHttpServer(options).requestHandler(requests);
      ListenerGuard.install(server, listener, node.gates().get(listener.name()), node.metrics());
      servers.add(server);
      bound.add(
          server
              .listen()
              .recover(e -> Future.failedFuture(new IllegalStateException(
                  "listener '" + listener.name() + "' cannot bind " + listener.host() + ":" + listener.port()
                      + ": " + e.getMessage(), e)))
              .onSuccess(s -> node.bound(listener.name(), s.actualPort())));
    }
    return Future.all(bound);
  }

  /** Stops accepting; open WebSockets get their disconnect notice through the servers' graceful shutdown. */
  @Override
  public Future<?> stop() {
    endpoints.forEach(Endpoint::stop);
    grpcEndpoints.forEach(GrpcEndpoint::stop);
    List<Future<?>> closed = new ArrayList<>();
    for (HttpServer server : servers) {
      closed.add(server.shutdown(node.config().shutdownGraceMs(), TimeUnit.MILLISECONDS));
    }
    return Future.join(closed);
  }
}
