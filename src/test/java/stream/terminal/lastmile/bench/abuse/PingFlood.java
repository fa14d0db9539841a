package stream.terminal.lastmile.bench.abuse;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import stream.terminal.lastmile.bench.WsConnection;

/**
 * One WebSocket sends 125-byte pings as fast as its socket takes them and never reads: every pong the server
 * queues stays in the server's memory unless something bounds it.
 */
final class PingFlood implements Attack {
  private static final int PER_TURN = 512;
  /** How long the flood's socket reads, once the hold is over, to see whether the server ended it. */
  private static final int READ_OUT_SECONDS = 5;

  @Override
  public String name() {
    return "ping flood";
  }

  @Override
  public Future<Outcome> run(Vertx vertx, Target target, Sizes sizes, long deadlineNanos) {
    NetClient client = Bounded.client(vertx, SOURCE);
    Watch watch = new Watch();
    long start = System.nanoTime();
    return WsConnection.open(client, target.host(), target.edgePort(), "/", List.of(), watch)
        .compose(connection -> {
          NetSocket socket = connection.socket();
          socket.pause(); // never read: the pongs pile up on the server's side
          Buffer ping = WsConnection.masked(9, Buffer.buffer("p".repeat(125)));
          Promise<Boolean> flooded = Promise.promise();
          long[] sent = {0};
          new Object() {
            void turn() {
              if (watch.isEnded() || sent[0] >= sizes.pings() || System.nanoTime() > deadlineNanos) {
                flooded.tryComplete(true);
                return;
              }
              for (int i = 0; i < PER_TURN && sent[0] < sizes.pings() && !socket.writeQueueFull(); i++, sent[0]++) {
                socket.write(ping.copy());
              }
              if (socket.writeQueueFull()) {
                socket.drainHandler(v -> turn());
              } else {
                vertx.runOnContext(v -> turn());
              }
            }
          }.turn();
          long holdUntil = Math.min(deadlineNanos, System.nanoTime() + sizes.holdSeconds() * 1_000_000_000L);
          // a node that reads this address at its budget does not drain the socket: the flood stops half-way to
          // the deadline, leaving time to read out how it ended
          long giveUp = vertx.setTimer(Math.max(1, (deadlineNanos - System.nanoTime()) / 2_000_000), id ->
              flooded.tryComplete(false));
          return flooded.future().compose(written -> {
            vertx.cancelTimer(giveUp);
            String took = Bounded.seconds(System.nanoTime() - start);
            // still not reading: whatever the server queued stays queued while the probe samples it
            return vertx.timer(Math.max(1, (holdUntil - System.nanoTime()) / 1_000_000))
                .compose(v -> {
                  // a paused socket cannot see its end: read what the server sent, for a bounded time, to learn it
                  socket.resume();
                  return watch.ended().map(true).otherwise(true).timeout(READ_OUT_SECONDS, TimeUnit.SECONDS)
                      .otherwise(false);
                })
                .map(v -> new Outcome(sent[0], String.format(Locale.ROOT, "%,d pings in %s%s; %s", sent[0], took,
                    written ? "" : " (the node stopped reading them: the socket was still full)",
                    watch.isEnded() ? "cut off: " + watch.ended().result() : "never cut off")))
                .eventually(connection::close);
          });
        })
        .eventually(client::close);
  }
}
