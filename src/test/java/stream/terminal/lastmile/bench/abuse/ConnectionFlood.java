package stream.terminal.lastmile.bench.abuse;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import stream.terminal.lastmile.bench.WsConnection;

/**
 * Upgraded WebSockets from one address, as many as the node takes: one host (or one NAT) must not be able to
 * take every connection slot of a listener.
 */
final class ConnectionFlood implements Attack {
  @Override
  public String name() {
    return "connection flood";
  }

  @Override
  public Future<Outcome> run(Vertx vertx, Target target, Sizes sizes, long deadlineNanos) {
    NetClient client = Bounded.client(vertx, SOURCE);
    List<WsConnection> accepted = new ArrayList<>();
    List<Watch> watches = new ArrayList<>();
    Bounded.Reasons refused = new Bounded.Reasons();
    return Bounded.each(sizes.floodConnections(), 100, deadlineNanos, i -> {
          Watch watch = new Watch();
          return WsConnection.open(client, target.host(), target.edgePort(), "/", List.of(), watch)
              .onSuccess(connection -> {
                accepted.add(connection);
                watches.add(watch);
              })
              .onFailure(e -> refused.add(e.getMessage()));
        })
        .compose(started -> {
          long holdMillis = Math.max(1, Math.min(sizes.holdSeconds() * 1000L, (deadlineNanos - System.nanoTime()) / 1_000_000));
          return vertx.timer(holdMillis).map(v -> {
            Bounded.Reasons ended = new Bounded.Reasons();
            watches.stream().filter(Watch::isEnded).forEach(w -> ended.add(w.ended().result()));
            return new Outcome(started, String.format(Locale.ROOT,
                "%,d connections from %s: %,d upgraded, %,d refused (%s); closed by the node while held: %s",
                started, SOURCE, accepted.size(), refused.total(), refused, ended));
          });
        })
        .eventually(() -> Future.join(accepted.stream().map(WsConnection::close).toList()))
        .eventually(client::close);
  }
}
