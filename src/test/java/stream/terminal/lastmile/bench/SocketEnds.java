package stream.terminal.lastmile.bench;

import io.vertx.core.Promise;
import io.vertx.core.net.NetSocket;
import java.util.function.BooleanSupplier;

/**
 * How a raw subscriber's socket can end, the same for every transport: before the subscriber is ready, a close or
 * an error fails its start; after, unless the subscriber itself is closing, it is a loss reported to the sink.
 */
final class SocketEnds {
  private SocketEnds() {}

  /**
   * @param notReady the failure of {@code ready} when the socket closes before it is complete
   * @param current false once the subscriber has moved to another socket: this one's end is then no concern
   * @param closing true when the subscriber closes its socket itself
   */
  static void watch(NetSocket socket, Promise<Void> ready, String notReady, BooleanSupplier current,
      BooleanSupplier closing, WsConnection.Sink sink) {
    socket.closeHandler(v -> {
      if (current.getAsBoolean() && !ready.tryFail(notReady) && !closing.getAsBoolean()) {
        sink.lost("closed by the server");
      }
    });
    socket.exceptionHandler(e -> {
      if (current.getAsBoolean() && !ready.tryFail(e) && !closing.getAsBoolean()) {
        sink.lost(e.toString());
      }
    });
  }
}
