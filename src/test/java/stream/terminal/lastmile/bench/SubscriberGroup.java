package stream.terminal.lastmile.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The subscribers of one generator event loop: opens its share of connections, a bounded number at a time (a
 * burst of SYNs beyond the server's accept backlog would be dropped and retried after a second), and feeds the
 * shared {@link Tally}. Connection {@code i} goes to edge URL {@code i % urls} from source address
 * {@code 127.0.0.(1 + i % sources)}.
 */
final class SubscriberGroup extends VerticleBase implements WsConnection.Sink {
  private final LoadSettings settings;
  private final List<Integer> members;
  private final Tally tally;
  private final List<NetClient> clients = new ArrayList<>();
  private final List<WsConnection> connections = new ArrayList<>();
  private final Promise<Void> allOpen = Promise.promise();
  private int next;
  private int opening;

  SubscriberGroup(LoadSettings settings, List<Integer> members, Tally tally) {
    this.settings = settings;
    this.members = members;
    this.tally = tally;
  }

  @Override
  public Future<?> start() {
    for (int s = 0; s < settings.sources(); s++) {
      clients.add(vertx.createNetClient(new NetClientOptions()
          .setLocalAddress("127.0.0." + (1 + s))
          .setTcpNoDelay(true)
          .setConnectTimeout(30_000)));
    }
    int concurrency = Math.max(1, settings.connectConcurrency() / settings.threads());
    for (int i = 0; i < concurrency; i++) {
      openNext();
    }
    if (members.isEmpty()) {
      allOpen.tryComplete();
    }
    return Future.succeededFuture();
  }

  /** Completes when every subscriber of this group is subscribed; fails with the first that could not be. */
  Future<Void> opened() {
    return allOpen.future();
  }

  private void openNext() {
    if (next == members.size() || allOpen.future().isComplete()) {
      return;
    }
    int subscriber = members.get(next++);
    opening++;
    UrlTemplate edge = settings.subscribe().get(subscriber % settings.subscribe().size());
    List<String> channels = settings.channelsOf(subscriber);
    String path = edge.path(String.join("/", channels));
    List<String> commands = settings.raw() ? List.of() : channels.stream()
        .map(c -> new JsonObject().put("op", "subscribe").put("channel", c).encode())
        .collect(Collectors.toList());
    NetClient client = clients.get(subscriber % clients.size());
    WsConnection.open(client, edge.host(), edge.port(), path, commands, this)
        .onSuccess(connection -> {
          connections.add(connection);
          opening--;
          if (next == members.size() && opening == 0) {
            allOpen.tryComplete();
          } else {
            openNext();
          }
        })
        .onFailure(e -> allOpen.tryFail("subscriber " + subscriber + " to " + edge.host() + ":" + edge.port() + edge.path() + ": " + e.getMessage()));
  }

  @Override
  public void message(long stampMicros) {
    tally.message(stampMicros);
  }

  @Override
  public void lost(String why) {
    tally.connectionLost(why);
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> closed = new ArrayList<>();
    connections.forEach(c -> closed.add(c.close()));
    clients.forEach(c -> closed.add(c.close()));
    return Future.join(closed);
  }
}
