package stream.terminal.lastmile.bench.abuse;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import java.util.List;
import java.util.Locale;
import stream.terminal.lastmile.bench.WsConnection;

/**
 * A message started and never ended: one text fragment, then empty continuations (6 bytes each on the wire) as
 * fast as the socket takes them, on one edge and one ingest WebSocket. Each fragment should cost the client its
 * share of max_frame_bytes and a rate token, so the flood ends in 1009 (or 4003); a node that counted only payload
 * bytes kept every fragment and never closed.
 */
final class EmptyContinuations implements Attack {
  private static final int BATCH = 10_000;
  private static final long ANSWER_MILLIS = 5_000;

  @Override
  public String name() {
    return "empty continuations";
  }

  @Override
  public Future<Outcome> run(Vertx vertx, Target target, Sizes sizes, long deadlineNanos) {
    NetClient client = Bounded.client(vertx, SOURCE);
    Flood edge = new Flood(vertx, sizes.emptyContinuations(), deadlineNanos);
    Flood ingest = new Flood(vertx, sizes.emptyContinuations(), deadlineNanos);
    return edge.run(client, target.host(), target.edgePort())
        .compose(e -> ingest.run(client, target.host(), target.ingestPort())
            .map(i -> new Outcome(edge.sent + ingest.sent,
                String.format(Locale.ROOT, "edge: %s; ingest: %s", e, i))))
        .eventually(client::close);
  }

  /** One connection's flood: how many continuations it got to send, and how the server ended it. */
  private static final class Flood {
    private final Vertx vertx;
    private final long count;
    private final long deadlineNanos;
    private final Watch watch = new Watch();
    private final Buffer batch = Buffer.buffer(BATCH * 6);
    private long sent;

    Flood(Vertx vertx, long count, long deadlineNanos) {
      this.vertx = vertx;
      this.count = count;
      this.deadlineNanos = deadlineNanos;
      Buffer empty = WsConnection.masked(0x0, false, Buffer.buffer());
      for (int i = 0; i < BATCH; i++) {
        batch.appendBuffer(empty);
      }
    }

    Future<String> run(NetClient client, String host, int port) {
      return WsConnection.open(client, host, port, "/", List.of(), watch)
          .compose(connection -> {
            Promise<Void> written = Promise.promise();
            watch.ended().onComplete(ar -> written.tryComplete());
            connection.socket().write(WsConnection.masked(0x1, false, Buffer.buffer("{\"op\":\"ping\"")));
            send(connection, written);
            return written.future()
                .compose(v -> {
                  long timer = vertx.setTimer(ANSWER_MILLIS, id -> watch.lost("no answer within 5 s"));
                  return watch.ended().onComplete(ar -> vertx.cancelTimer(timer));
                })
                .eventually(connection::close);
          })
          .map(how -> String.format(Locale.ROOT, "%,d sent, %s", sent, how))
          .recover(e -> Future.succeededFuture("not opened: " + e.getMessage()));
    }

    /** Writes batches while the socket takes them, until the count, the deadline or the server's end. */
    private void send(WsConnection connection, Promise<Void> written) {
      if (watch.isEnded() || sent >= count || System.nanoTime() > deadlineNanos) {
        written.tryComplete();
        return;
      }
      int frames = (int) Math.min(BATCH, count - sent);
      connection.socket().write(frames == BATCH ? batch.copy() : batch.getBuffer(0, frames * 6));
      sent += frames;
      if (connection.socket().writeQueueFull()) {
        connection.socket().drainHandler(v -> send(connection, written));
      } else {
        vertx.runOnContext(v -> send(connection, written));
      }
    }
  }
}
