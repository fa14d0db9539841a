package stream.terminal.lastmile.bench.grpc;

import io.vertx.core.Future;
import stream.terminal.lastmile.sdk.LastMileClient;

/**
 * One way of publishing that a {@link PublishRun} drives: publish {@code n} of the round's payloads and complete
 * when the node has acknowledged it (stored). Called on the round's event loop only.
 */
interface Publishes {
  /** Connects (and opens a stream where the way has one). */
  Future<Void> open();

  Future<Void> publish(int n);

  Future<Void> close();

  /** A variant: its way of publishing to a round's channel, given the round's client. */
  interface Way {
    Publishes to(String channel, LastMileClient client);
  }
}
