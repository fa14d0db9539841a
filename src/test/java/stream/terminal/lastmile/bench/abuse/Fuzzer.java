package stream.terminal.lastmile.bench.abuse;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import java.util.List;
import java.util.Locale;
import stream.terminal.lastmile.bench.WsConnection;

/**
 * Random and mutated input ({@link FrameMutator}). On the {@link Surface#PUBLIC public} listener: WebSocket
 * frames, a connection at a time per lane, each connection in one dialect, and random HTTP requests to its HTTP
 * surface. On the {@link Surface#INGEST ingest} listener: random requests to the HTTP API, as a token holder
 * (a trusted client, which no per-address budget slows by default) could send them.
 * Each WebSocket sends fewer frames than the edge's default burst, so the rate limiter does not end the run
 * early; what the node answered is tallied (a 5xx or a connection closed without a code is a finding).
 */
final class Fuzzer implements Attack {
  /** Frames per connection: under the edge's default burst of 200. */
  private static final int FRAMES_PER_CONNECTION = 150;

  /** Which listener the fuzzer aims at. */
  enum Surface {
    PUBLIC,
    INGEST
  }

  private final long seed;
  private final Surface surface;

  Fuzzer(long seed, Surface surface) {
    this.seed = seed;
    this.surface = surface;
  }

  @Override
  public String name() {
    return surface == Surface.PUBLIC ? "fuzzer" : "API fuzzer";
  }

  /** The fuzzer promises a count, not a time: it gets its own, longer bound. */
  @Override
  public int seconds(Sizes sizes) {
    return sizes.fuzzSeconds();
  }

  @Override
  public Future<Outcome> run(Vertx vertx, Target target, Sizes sizes, long deadlineNanos) {
    FrameMutator mutator = new FrameMutator(seed);
    NetClient client = Bounded.client(vertx, SOURCE);
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(target.host())
        .setLocalAddress(SOURCE), new PoolOptions().setHttp1MaxSize(16));
    long[] frames = {0};
    Bounded.Reasons ends = new Bounded.Reasons();
    Bounded.Reasons statuses = new Bounded.Reasons();
    boolean edge = surface == Surface.PUBLIC;
    int connections = edge ? (sizes.fuzzFrames() + FRAMES_PER_CONNECTION - 1) / FRAMES_PER_CONNECTION : 0;
    Future<Integer> websockets = Bounded.each(connections, 8, deadlineNanos, c -> {
      int count = Math.min(FRAMES_PER_CONNECTION, sizes.fuzzFrames() - c * FRAMES_PER_CONNECTION);
      return fuzzOne(vertx, client, target, mutator, c % 2 == 1, c % 3 == 2, count, frames, ends);
    });
    // the public side gets half the requests: its frames are the bulk of what it is sent
    int requestCount = edge ? sizes.fuzzRequests() / 2 : sizes.fuzzRequests();
    Future<Integer> requests = Bounded.each(requestCount, 16, deadlineNanos,
        i -> request(http, edge ? target.edgePort() : target.ingestPort(), mutator.http())
            .onSuccess(status -> statuses.add((status / 100) + "xx"))
            .onFailure(e -> statuses.add("failed: " + e.getMessage())));
    return Future.all(websockets, requests)
        .map(all -> new Outcome(frames[0] + requests.result(), edge
            ? String.format(Locale.ROOT, "%,d frames on %,d connections (native and legacy), ended: %s; %,d HTTP requests: %s",
                frames[0], websockets.result(), ends, requests.result(), statuses)
            : String.format(Locale.ROOT, "%,d HTTP requests: %s", requests.result(), statuses)))
        .eventually(client::close)
        .eventually(http::close);
  }

  private static Future<Void> fuzzOne(Vertx vertx, NetClient client, Target target, FrameMutator mutator,
      boolean legacy, boolean violate, int count, long[] frames, Bounded.Reasons ends) {
    Watch watch = new Watch();
    return WsConnection.open(client, target.host(), target.edgePort(), "/", List.of(), watch)
        .compose(connection -> {
          connection.socket().write(mutator.opening(legacy));
          frames[0]++;
          for (int i = 1; i < count && !watch.isEnded(); i++, frames[0]++) {
            // every third connection ends with a frame that breaks RFC 6455: the node must close it cleanly
            connection.socket().write(violate && i == count - 1 ? mutator.protocolViolation() : mutator.next(legacy));
          }
          // a moment for the answers, then the next connection: whatever ended it is tallied
          Promise<String> settled = Promise.promise();
          long timer = vertx.setTimer(200, id -> settled.tryComplete("still open"));
          watch.ended().onSuccess(why -> {
            vertx.cancelTimer(timer);
            settled.tryComplete(why);
          });
          return settled.future().onSuccess(ends::add).eventually(connection::close);
        })
        .onFailure(e -> ends.add("not opened: " + e.getMessage()))
        .mapEmpty();
  }

  private static Future<Integer> request(HttpClient http, int port, FrameMutator.HttpCase c) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(c.method()))
        .setPort(port).setURI(c.path()).setTimeout(10_000)
        .putHeader(c.header(), c.headerValue());
    if (!c.contentType().isEmpty()) {
      options.putHeader("Content-Type", c.contentType());
    }
    return http.request(options)
        .compose(request -> request.send(Buffer.buffer(c.body())).compose(response -> response.body()
            .map(body -> response.statusCode())));
  }
}
