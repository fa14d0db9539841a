package stream.terminal.lastmile.bench.grpc;

import io.vertx.core.Future;
import stream.terminal.lastmile.sdk.LastMileClient;
import stream.terminal.lastmile.sdk.PublishStream;

/** gRPC PublishStream through the client library: one stream, acknowledged in order; JSON or Protobuf (Any). */
final class GrpcStreamPublishes implements Publishes {
  private final LastMileClient client;
  private final String channel;
  private final Payloads payloads;
  private final boolean protobuf;
  private PublishStream stream;

  GrpcStreamPublishes(LastMileClient client, String channel, Payloads payloads, boolean protobuf) {
    this.client = client;
    this.channel = channel;
    this.payloads = payloads;
    this.protobuf = protobuf;
  }

  @Override
  public Future<Void> open() {
    stream = client.openStream();
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> publish(int n) {
    return (protobuf ? stream.send(channel, payloads.points().get(n)) : stream.send(channel, payloads.json().get(n)))
        .mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return stream.close();
  }
}
