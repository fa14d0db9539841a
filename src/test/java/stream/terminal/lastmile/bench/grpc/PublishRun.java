package stream.terminal.lastmile.bench.grpc;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import stream.terminal.lastmile.bench.Figures;
import stream.terminal.lastmile.bench.ProcessProbe;
import stream.terminal.lastmile.sdk.ClientOptions;
import stream.terminal.lastmile.sdk.LastMileClient;

/**
 * One measured round of one way of publishing: a fresh channel (gRPC CreateChannel), a WebSocket subscriber on the
 * edge listener, then {@code count} publishes with at most {@code inFlight} unacknowledged. The round ends when
 * every publish is acknowledged and the subscriber has every message; the rate counts publishes over that time,
 * the histogram each publish's time from the call to its acknowledgement, the CPU the node's process used.
 * One instance runs one round, on one event loop.
 */
final class PublishRun {
  private static final long TIMEOUT_MS = TimeUnit.SECONDS.toMillis(180);
  private static final String MESSAGE = "{\"type\":\"message\"";

  private final Vertx vertx;
  private final ClientOptions options;
  private final int edgePort;
  private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
  private final Promise<Void> done = Promise.promise();
  // the state below lives on the round's event loop only
  private LastMileClient client;
  private Publishes publishes;
  private int count;
  private int sent;
  private int acked;
  private int received;
  private long startedAt;
  /** Nanoseconds from the first publish to the last acknowledgement or message, written before {@code done}. */
  private volatile long elapsed;

  PublishRun(Vertx vertx, ClientOptions options, int edgePort) {
    this.vertx = vertx;
    this.options = options;
    this.edgePort = edgePort;
  }

  /**
   * @param way the way of publishing, given the round's client: created on the round's event loop, so that its
   *     callbacks run there too
   */
  Figures run(String channel, Publishes.Way way, int count, int inFlight, long serverPid)
      throws Exception {
    Context context = vertx.getOrCreateContext();
    Promise<Long> started = Promise.promise();
    WebSocketClient ws = vertx.createWebSocketClient();
    try {
      context.runOnContext(v -> {
        this.client = LastMileClient.create(vertx, options);
        this.publishes = way.to(channel, client);
        this.count = count;
        client.createChannel(channel)
            .compose(created -> ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(edgePort)
                .setURI("/")))
            .compose(subscriber -> subscribe(subscriber, channel))
            .compose(subscribed -> publishes.open())
            .onSuccess(opened -> {
              started.complete(ProcessProbe.cpuMicros(serverPid));
              startedAt = System.nanoTime();
              while (sent < Math.min(inFlight, count)) {
                publishNext();
              }
            })
            .onFailure(e -> {
              started.tryFail(e);
              done.tryFail(e);
            });
      });
      vertx.setTimer(TIMEOUT_MS, id -> context.runOnContext(v -> done.tryFail("no result within " + TIMEOUT_MS / 1000
          + " s (" + acked + " acknowledged, " + received + " received of " + count + ")")));
      long cpuBefore = started.future().await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      done.future().await(TIMEOUT_MS + 10_000, TimeUnit.MILLISECONDS);
      long cpu = ProcessProbe.cpuMicros(serverPid) - cpuBefore;
      return new Figures(count * 1e9 / elapsed, histogram.getValueAtPercentile(50),
          histogram.getValueAtPercentile(99), (double) cpu / count);
    } finally {
      Promise<Void> closed = Promise.promise();
      context.runOnContext(v -> (publishes == null ? Future.<Void>succeededFuture() : publishes.close())
          .eventually(ws::close).eventually(client::close).onComplete(closed));
      closed.future().await(10, TimeUnit.SECONDS);
    }
  }

  private Future<Void> subscribe(WebSocket subscriber, String channel) {
    Promise<Void> replied = Promise.promise();
    subscriber.textMessageHandler(text -> {
      if (text.startsWith(MESSAGE)) {
        received++;
        finishIfDone();
      } else if (text.contains("\"type\":\"reply\"")) {
        if (text.contains("\"result\":")) {
          replied.tryComplete();
        } else {
          replied.tryFail("subscribe " + channel + " refused: " + text);
        }
      }
    });
    subscriber.closeHandler(v -> done.tryFail("the subscriber was closed by the node ("
        + subscriber.closeStatusCode() + " " + subscriber.closeReason() + ")"));
    subscriber.writeTextMessage("{\"op\":\"subscribe\",\"id\":\"s\",\"channel\":\"" + channel + "\"}");
    return replied.future();
  }

  private void publishNext() {
    int n = sent++;
    long at = System.nanoTime();
    publishes.publish(n).onComplete(result -> {
      if (result.failed()) {
        done.tryFail(new IllegalStateException("publish " + n + " failed: " + result.cause(), result.cause()));
        return;
      }
      histogram.recordValue(Math.min(histogram.getHighestTrackableValue(), (System.nanoTime() - at) / 1000));
      acked++;
      if (sent < count) {
        publishNext();
      }
      finishIfDone();
    });
  }

  private void finishIfDone() {
    if (acked == count && received == count && !done.future().isComplete()) {
      elapsed = System.nanoTime() - startedAt;
      done.tryComplete();
    }
  }
}
