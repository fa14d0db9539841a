package stream.terminal.lastmile.bench.grpc;

import io.vertx.core.Future;
import stream.terminal.lastmile.sdk.LastMileClient;

/** gRPC unary Publish through the client library: one call per publish, multiplexed on one HTTP/2 connection. */
final class GrpcUnaryPublishes implements Publishes {
  private final LastMileClient client;
  private final String channel;
  private final Payloads payloads;

  GrpcUnaryPublishes(LastMileClient client, String channel, Payloads payloads) {
    this.client = client;
    this.channel = channel;
    this.payloads = payloads;
  }

  @Override
  public Future<Void> open() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> publish(int n) {
    return client.publish(channel, payloads.json().get(n)).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
