package stream.terminal.lastmile.sdk;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.concurrent.TimeUnit;
import stream.terminal.lastmile.grpc.v1.IngestGrpcService;

/**
 * A test's own Ingest service on 127.0.0.1 (cleartext HTTP/2 on a free port): each test binds the methods it needs
 * with handlers that see the request's metadata and choose the status and trailers.
 */
final class FakeIngest implements AutoCloseable {
  private final Vertx vertx;
  private final GrpcServer grpc;
  private HttpServer server;

  FakeIngest(Vertx vertx) {
    this.vertx = vertx;
    this.grpc = GrpcServer.server(vertx);
  }

  /**
   * Serves one method of {@link IngestGrpcService} with the test's handler (the generated builder's per-method
   * bind throws UnsupportedOperationException in vertx-grpc 5.0.7, so the handler goes on the server).
   */
  <Req, Resp> FakeIngest bind(ServiceMethod<Req, Resp> method, Handler<GrpcServerRequest<Req, Resp>> handler) {
    grpc.callHandler(method, handler);
    return this;
  }

  FakeIngest start() throws Exception {
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(grpc).listen().await(10, TimeUnit.SECONDS);
    return this;
  }

  int port() {
    return server.actualPort();
  }

  /** Ends a call as the gateway refuses one: a status, the message, and the wire code in the trailer. */
  static void refuse(GrpcServerResponse<?, ?> response, GrpcStatus status, String code, String message) {
    response.status(status).statusMessage(message);
    response.trailers().set("lastmile-error-code", code);
    response.end();
  }

  @Override
  public void close() throws Exception {
    if (server != null) {
      server.close().await(10, TimeUnit.SECONDS);
    }
  }
}
