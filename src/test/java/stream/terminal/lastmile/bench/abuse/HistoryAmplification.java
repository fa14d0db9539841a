package stream.terminal.lastmile.bench.abuse;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import stream.terminal.lastmile.bench.WsConnection;

/**
 * Small requests for big answers: connections that ask for whole history pages and replays
 * ({@code subscribe} with {@code since} offset 0, then {@code unsubscribe}, again) and never read them. A few
 * bytes in ask for megabytes out; without a bound in bytes, the answers wait in the node's memory.
 */
final class HistoryAmplification implements Attack {
  static final String CHANNEL = "abuse.history";
  private static final int MESSAGE_BYTES = 2048;
  /** The channel's epoch, as the publishes of {@link #prepare} answered it. */
  private volatile String epoch = "0";

  @Override
  public String name() {
    return "history amplification";
  }

  /** The stored messages: the trusted publisher's doing, before the attack. */
  @Override
  public Future<Void> prepare(Vertx vertx, Target target, Sizes sizes) {
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(target.host())
        .setDefaultPort(target.ingestPort()), new PoolOptions().setHttp1MaxSize(8));
    Buffer body = Buffer.buffer(new JsonObject().put("pad", "h".repeat(MESSAGE_BYTES - 12)).encode());
    long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(sizes.attackSeconds());
    return http.request(HttpMethod.PUT, "/channels/" + CHANNEL).compose(r -> r.send().compose(response -> response.body()))
        .compose(created -> Bounded.each(sizes.historyMessages(), 8, deadlineNanos, i ->
            http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/channels/" + CHANNEL + "/messages")
                    .putHeader("Content-Type", "application/json"))
                .compose(r -> r.send(body).compose(response -> response.body()))
                .onSuccess(reply -> epoch = reply.toJsonObject().getString("epoch", epoch))))
        .<Void>mapEmpty()
        .eventually(http::close);
  }

  @Override
  public Future<Outcome> run(Vertx vertx, Target target, Sizes sizes, long deadlineNanos) {
    NetClient client = Bounded.client(vertx, SOURCE);
    List<WsConnection> connections = new ArrayList<>();
    List<Watch> watches = new ArrayList<>();
    return Bounded.each(sizes.historyConnections(), 16, deadlineNanos, i -> {
          Watch watch = new Watch();
          return WsConnection.open(client, target.host(), target.edgePort(), "/", List.of(), watch)
              .onSuccess(connection -> {
                connections.add(connection);
                watches.add(watch);
                connection.socket().pause(); // never read the answers
                for (int r = 0; r < sizes.historyRequests(); r++) {
                  connection.socket().write(WsConnection.masked(1, Buffer.buffer(request(r, epoch))));
                }
              });
        })
        .compose(started -> {
          long holdMillis = Math.max(1, Math.min(sizes.holdSeconds() * 1000L, (deadlineNanos - System.nanoTime()) / 1_000_000));
          return vertx.timer(holdMillis).map(v -> {
            Bounded.Reasons ended = new Bounded.Reasons();
            watches.stream().filter(Watch::isEnded).forEach(w -> ended.add(w.ended().result()));
            long requests = (long) connections.size() * sizes.historyRequests();
            double askedMib = requests * (double) sizes.historyMessages() * MESSAGE_BYTES / (1 << 20);
            return new Outcome(requests, String.format(Locale.ROOT,
                "%,d connections × %,d requests for pages of %,d × 2 KiB (%,.0f MiB asked); ended while held: %s",
                connections.size(), sizes.historyRequests(), sizes.historyMessages(), askedMib, ended));
          });
        })
        .eventually(() -> Future.join(connections.stream().map(WsConnection::close).toList()))
        .eventually(client::close);
  }

  /** History twice, then a replay of the whole backlog, then the unsubscribe that lets the next replay start. */
  private static String request(int r, String epoch) {
    JsonObject command = switch (r % 4) {
      case 0, 1 -> new JsonObject().put("op", "history").put("channel", CHANNEL).put("limit", 1000);
      case 2 -> new JsonObject().put("op", "subscribe").put("channel", CHANNEL)
          .put("since", new JsonObject().put("epoch", epoch).put("offset", 0));
      default -> new JsonObject().put("op", "unsubscribe").put("channel", CHANNEL);
    };
    return command.put("id", r).encode();
  }
}
