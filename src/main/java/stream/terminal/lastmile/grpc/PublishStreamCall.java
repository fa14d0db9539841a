package stream.terminal.lastmile.grpc;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.Deque;
import stream.terminal.lastmile.core.Published;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.grpc.v1.PublishAck;
import stream.terminal.lastmile.grpc.v1.PublishRequest;
import stream.terminal.lastmile.identity.Identity;

/**
 * One PublishStream. Each request is published in the order it came (each goes on the bus after the one before,
 * as a WebSocket connection's publishes do) and answered by one {@link PublishAck} in the same order: where it
 * was stored, or why it was refused; a refusal does not end the stream.
 *
 * <p>Flow control is by credit: the stream reads at most {@code grpc_window} requests that have no
 * acknowledgement written yet, and gives a credit back for each one written while the response has room. A
 * client that stops reading its acknowledgements fills the response, gets no more credit, and is not read
 * either: what it costs the node is bounded by the window.
 *
 * <p>A too large or undecodable request, or the node stopping, ends the stream once the acknowledgements of
 * everything read before are written; a client's cancel ends it at once (what it had sent and was not
 * acknowledged may or may not be stored).
 */
final class PublishStreamCall {
  private final GrpcCall<PublishRequest, PublishAck> call;
  private final GrpcPublishes publishes;
  private final GrpcConnection connection;
  private final Identity sender;
  private final int window;
  /** The acknowledgements not written yet, in request order; each completes, never fails. */
  private final Deque<Future<PublishAck>> pending = new ArrayDeque<>();
  private Future<?> publishTail = Future.succeededFuture();
  /** Credits earned by written acknowledgements, held while the response is full. */
  private int owed;
  private boolean halfClosed;
  /** Set once nothing more is read: the stream ends with this status after its last acknowledgement. */
  private Runnable ending;

  PublishStreamCall(GrpcCall<PublishRequest, PublishAck> call, GrpcPublishes publishes, GrpcConnection connection,
      Identity sender, int window) {
    this.call = call;
    this.publishes = publishes;
    this.connection = connection;
    this.sender = sender;
    this.window = window;
  }

  void start() {
    call.onMessage(this::received);
    call.onEnd(() -> {
      halfClosed = true;
      endIfDone();
    });
    call.onRefusal(e -> stop(() -> call.fail(e)));
    call.response().drainHandler(v -> giveCredit());
    call.request().fetch(window);
  }

  /** The node is stopping: nothing more is read; the stream ends (UNAVAILABLE) after the acknowledgements due. */
  void drain() {
    stop(() -> call.disconnect(Disconnect.SHUTDOWN));
  }

  private void stop(Runnable end) {
    if (ending == null) {
      ending = end;
      call.request().pause();
      endIfDone();
    }
  }

  private void received(PublishRequest request) {
    if (ending != null) {
      return; // read before the stop took effect: neither published nor acknowledged
    }
    long sequence = request.getSequence();
    Future<PublishAck> ack;
    try {
      connection.takeToken();
      Future<Published> published = publishes.publish(sender, request, publishTail);
      publishTail = published;
      ack = published.map(m -> GrpcMessages.stored(sequence, m))
          .otherwise(e -> refused(sequence, GatewayException.of(e)));
    } catch (GatewayException e) {
      ack = Future.succeededFuture(refused(sequence, e));
    }
    pending.add(ack);
    ack.onComplete(ar -> writeCompleted());
  }

  private PublishAck refused(long sequence, GatewayException e) {
    call.refused(e);
    return PublishAck.newBuilder().setSequence(sequence).setError(GrpcErrors.error(e)).build();
  }

  /** Writes the acknowledgements that are ready, in order: a later one waits for every one before it. */
  private void writeCompleted() {
    while (!pending.isEmpty() && pending.peek().isComplete()) {
      PublishAck ack = pending.poll().result();
      if (call.ended()) {
        continue; // cancelled: nobody reads it
      }
      call.response().write(ack);
      owed++;
    }
    giveCredit();
    endIfDone();
  }

  private void giveCredit() {
    if (owed > 0 && ending == null && !call.ended() && !call.response().writeQueueFull()) {
      call.request().fetch(owed);
      owed = 0;
    }
  }

  private void endIfDone() {
    if (!pending.isEmpty() || call.ended()) {
      return;
    }
    if (ending != null) {
      ending.run();
    } else if (halfClosed) {
      call.finish();
    }
  }
}
