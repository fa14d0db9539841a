package stream.terminal.lastmile.sdk;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.util.concurrent.TimeUnit;

/** The gRPC side of a client: unary calls and PublishStream requests, each with the credential in its metadata. */
final class GrpcIngest {
  private final GrpcClient client;
  private final SocketAddress address;
  private final ClientOptions options;

  GrpcIngest(Vertx vertx, ClientOptions options) {
    this.options = options;
    // cleartext: HTTP/2 with prior knowledge, as gRPC clients speak it; TLS: h2 by ALPN
    HttpClientOptions http = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setSsl(options.tls()).setUseAlpn(options.tls());
    if (options.trustOptions() != null) {
      http.setTrustOptions(options.trustOptions());
    }
    // the deadline is enforced here too, not only sent as grpc-timeout: a node that never answers fails the call
    this.client = GrpcClient.client(vertx, new GrpcClientOptions().setScheduleDeadlineAutomatically(true), http);
    this.address = SocketAddress.inetSocketAddress(options.port(), options.host());
  }

  /** A new request of {@code method}, its credential set; the caller writes it. */
  <Req, Resp> Future<GrpcClientRequest<Req, Resp>> open(ServiceMethod<Resp, Req> method, boolean deadline) {
    String credential;
    try {
      credential = Credentials.next(options);
    } catch (LastMileException e) {
      return Future.failedFuture(e);
    }
    return client.request(address, method).map(request -> {
      if (credential != null) {
        request.headers().set("authorization", "Bearer " + credential);
      }
      if (deadline) {
        request.timeout(options.requestTimeoutMs(), TimeUnit.MILLISECONDS);
      }
      return request;
    }).recover(failure -> Future.failedFuture(Failures.of(failure)));
  }

  /** One request, one answer; a status other than OK fails with its {@link LastMileException}. */
  <Req, Resp> Future<Resp> unary(ServiceMethod<Resp, Req> method, Req message) {
    return this.<Req, Resp>open(method, true).compose(request -> request.send(message)
        .compose(response -> response.last().transform(result -> {
          if (response.status() != null && response.status() != GrpcStatus.OK) {
            return Future.failedFuture(Failures.of(response));
          }
          return result.succeeded() ? Future.succeededFuture(result.result())
              : Future.failedFuture(Failures.of(result.cause()));
        }))
        .recover(failure -> Future.failedFuture(expired(request) ? new LastMileException(LastMileException.TIMEOUT,
            "no answer within " + options.requestTimeoutMs() + " ms") : Failures.of(failure))));
  }

  /** The deadline cancels the call (CANCELLED): tell that apart from a cancel by the node. */
  private static boolean expired(GrpcClientRequest<?, ?> request) {
    return request.deadline() != null && request.deadline().succeeded();
  }

  Future<Void> close() {
    return client.close();
  }
}
