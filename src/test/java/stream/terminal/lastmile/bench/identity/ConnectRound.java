package stream.terminal.lastmile.bench.identity;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import stream.terminal.lastmile.bench.Figures;
import stream.terminal.lastmile.bench.ProcessProbe;

/**
 * One round of sign-ons: {@code count} WebSocket clients, at most {@code inFlight} at a time, each doing connect,
 * [{@code auth}], {@code subscribe}, reply, close. The time to the subscribe reply (from the start of the connect)
 * goes into a histogram; the rate counts completed clients over the round's wall time, closes included; server
 * CPU comes from /proc before and after. Clients come from {@code 127.0.0.1..sources} in turn so that closed
 * connections in TIME_WAIT do not use up one address's ephemeral ports over many rounds. One instance runs one
 * round.
 */
final class ConnectRound {
  /** How a client signs on: a credential on the handshake, one in an {@code auth} command, or none. */
  record SignOn(String header, String authToken) {
    static final SignOn ANONYMOUS = new SignOn(null, null);
  }

  private static final long TIMEOUT_MS = TimeUnit.SECONDS.toMillis(180);

  private final Vertx vertx;
  private final int port;
  private final String channel;
  private final List<WebSocketClient> clients = new ArrayList<>();
  private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
  private final Promise<Void> done = Promise.promise();
  // the state below lives on the round's event loop only
  private IntFunction<SignOn> signOns;
  private int count;
  private int started;
  private int finished;

  ConnectRound(Vertx vertx, int port, String channel, int sources) {
    this.vertx = vertx;
    this.port = port;
    this.channel = channel;
    for (int s = 0; s < sources; s++) {
      clients.add(vertx.createWebSocketClient(new WebSocketClientOptions()
          .setLocalAddress("127.0.0." + (1 + s)).setTcpNoDelay(true).setConnectTimeout(30_000)));
    }
  }

  /** Runs {@code count} clients, the i-th signing on with {@code signOns.apply(i)}, and returns the round's figures. */
  Figures run(int count, int inFlight, IntFunction<SignOn> signOns, long serverPid) throws Exception {
    Context context = vertx.getOrCreateContext();
    long cpuBefore = ProcessProbe.cpuMicros(serverPid);
    long start = System.nanoTime();
    context.runOnContext(v -> {
      this.signOns = signOns;
      this.count = count;
      for (int i = 0; i < Math.min(inFlight, count); i++) {
        next();
      }
    });
    vertx.setTimer(TIMEOUT_MS, id -> context.runOnContext(v -> done.tryFail("no result within "
        + TIMEOUT_MS / 1000 + " s (" + finished + " of " + count + " clients done)")));
    done.future().await(TIMEOUT_MS + 10_000, TimeUnit.MILLISECONDS);
    long elapsed = System.nanoTime() - start;
    long cpu = ProcessProbe.cpuMicros(serverPid) - cpuBefore;
    return new Figures(count * 1e9 / elapsed, histogram.getValueAtPercentile(50),
        histogram.getValueAtPercentile(99), (double) cpu / count);
  }

  void close() throws Exception {
    Future.all(clients.stream().map(WebSocketClient::close).toList()).await(30, TimeUnit.SECONDS);
  }

  private void next() {
    if (started == count || done.future().isComplete()) {
      return;
    }
    int i = started++;
    SignOn signOn = signOns.apply(i);
    // no Origin header (Vert.x adds one by default): not a browser
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/")
        .setAllowOriginHeader(false);
    if (signOn.header() != null) {
      options.addHeader("Authorization", "Bearer " + signOn.header());
    }
    long t0 = System.nanoTime();
    clients.get(i % clients.size()).connect(options)
        .compose(ws -> signOn.authToken() == null
            ? subscribe(ws)
            : command(ws, new JsonObject().put("op", "auth").put("id", "a").put("token", signOn.authToken()))
                .compose(v -> subscribe(ws)))
        .onSuccess(ws -> {
          histogram.recordValue(Math.min(histogram.getHighestTrackableValue(), (System.nanoTime() - t0) / 1000));
          ws.close().onComplete(v -> finished());
        })
        .onFailure(e -> done.tryFail("client " + i + ": " + e.getMessage()));
  }

  private void finished() {
    if (++finished == count) {
      done.tryComplete();
    } else {
      next();
    }
  }

  private Future<WebSocket> subscribe(WebSocket ws) {
    return command(ws, new JsonObject().put("op", "subscribe").put("id", "s").put("channel", channel)).map(ws);
  }

  /** Sends one command and completes with its reply's result, or fails with its error. */
  private static Future<Void> command(WebSocket ws, JsonObject command) {
    Promise<Void> replied = Promise.promise();
    ws.closeHandler(v -> replied.tryFail("closed by the gateway (" + ws.closeStatusCode() + " " + ws.closeReason()
        + ") before the reply to " + command.getString("op")));
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      if (!"reply".equals(frame.getString("type"))) {
        return; // nothing is published on the channel; a notice would be unexpected but harmless
      }
      if (frame.containsKey("result")) {
        replied.tryComplete();
      } else {
        replied.tryFail(command.getString("op") + " refused: " + frame.getValue("error"));
      }
    });
    ws.writeTextMessage(command.encode());
    return replied.future();
  }
}
