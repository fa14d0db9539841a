package stream.terminal.lastmile.bench.abuse;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import stream.terminal.lastmile.bench.WsConnection;

/**
 * Messages over the listener's frame limit: one 4 MiB text frame, and a message sent as 8 KiB fragments that
 * passes the limit only once put together. A browser that gets no close frame reports 1006 and may send it all
 * again; the table shows how each one ended.
 */
final class OversizedFrames implements Attack {
  private static final int SINGLE_BYTES = 4 << 20;
  private static final int FRAGMENT_BYTES = 8 << 10;
  private static final long ANSWER_MILLIS = 5_000;

  @Override
  public String name() {
    return "oversized frames";
  }

  @Override
  public Future<Outcome> run(Vertx vertx, Target target, Sizes sizes, long deadlineNanos) {
    NetClient client = Bounded.client(vertx, SOURCE);
    Bounded.Reasons single = new Bounded.Reasons();
    Bounded.Reasons fragmented = new Bounded.Reasons();
    Buffer big = WsConnection.masked(1, text(SINGLE_BYTES));
    Buffer fragment = text(FRAGMENT_BYTES);
    return Bounded.each(sizes.oversizedRounds() * 2, 1, deadlineNanos, i -> i % 2 == 0
            ? attempt(vertx, client, target, single, connection -> connection.socket().write(big.copy()))
            : attempt(vertx, client, target, fragmented, connection -> {
              int fragments = Math.max(2, sizes.fragmentedBytes() / FRAGMENT_BYTES);
              for (int f = 0; f < fragments; f++) {
                connection.socket().write(WsConnection.masked(f == 0 ? 1 : 0, f == fragments - 1, fragment));
              }
            }))
        .map(started -> new Outcome(started, String.format(Locale.ROOT,
            "4 MiB frame: %s; %,d KiB in 8 KiB fragments: %s", single, sizes.fragmentedBytes() >> 10, fragmented)))
        .eventually(client::close);
  }

  /** Opens a WebSocket, sends, and records how the server ended it (or that it did not within 5 s). */
  private static Future<Void> attempt(
      Vertx vertx, NetClient client, Target target, Bounded.Reasons tally, Consumer<WsConnection> send) {
    Watch watch = new Watch();
    return WsConnection.open(client, target.host(), target.edgePort(), "/", List.of(), watch)
        .compose(connection -> {
          send.accept(connection);
          long timer = vertx.setTimer(ANSWER_MILLIS, id -> watch.lost("no answer within 5 s"));
          return watch.ended().onComplete(ar -> vertx.cancelTimer(timer)).eventually(connection::close);
        })
        .onSuccess(tally::add)
        .onFailure(e -> tally.add("not opened: " + e.getMessage()))
        .mapEmpty();
  }

  /** A text payload of JSON characters, so only its size is wrong. */
  private static Buffer text(int bytes) {
    return Buffer.buffer("{\"op\":\"ping\",\"pad\":\"" + "x".repeat(bytes - 22) + "\"}");
  }
}
