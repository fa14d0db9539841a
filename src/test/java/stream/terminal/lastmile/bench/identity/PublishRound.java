package stream.terminal.lastmile.bench.identity;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import stream.terminal.lastmile.bench.Figures;
import stream.terminal.lastmile.bench.ProcessProbe;

/**
 * One round of publishes: a subscriber on the edge listener and a publisher on the ingest listener, both on a fresh
 * channel; the publisher sends frames made beforehand (so signing them costs nothing here), keeping at most
 * {@code window} unacknowledged. The round ends when every publish is acknowledged and the subscriber has received
 * every message; the rate counts publishes over that time, the histogram each publish's time to its reply.
 * Frame i must carry {@code "id":i}. One instance runs one round.
 */
final class PublishRound {
  private static final long TIMEOUT_MS = TimeUnit.SECONDS.toMillis(180);
  private static final String MESSAGE = "{\"type\":\"message\"";
  private static final String ID = "\"id\":";

  private final Vertx vertx;
  private final int edgePort;
  private final int ingestPort;
  private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
  private final Promise<Void> done = Promise.promise();
  // the state below lives on the round's event loop only
  private List<String> frames;
  private long[] sentAt;
  private int window;
  private WebSocket publisher;
  private int sent;
  private int acked;
  private int received;
  private long startedAt;
  /** Nanoseconds from the first publish to the last reply or message, written before {@code done} completes. */
  private volatile long elapsed;
  PublishRound(Vertx vertx, int edgePort, int ingestPort) {
    this.vertx = vertx;
    this.edgePort = edgePort;
    this.ingestPort = ingestPort;
  }

  Figures run(String channel, List<String> frames, int window, long serverPid) throws Exception {
    Context context = vertx.getOrCreateContext();
    Promise<Long> started = Promise.promise();
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      context.runOnContext(v -> {
        this.frames = frames;
        this.sentAt = new long[frames.size()];
        this.window = window;
        open(client, ingestPort)
            .compose(ws -> {
              publisher = ws;
              return command(ws, new JsonObject().put("op", "create").put("id", "c").put("channel", channel));
            })
            .compose(v2 -> open(client, edgePort))
            .compose(subscriber -> {
              Future<Void> subscribed = command(subscriber,
                  new JsonObject().put("op", "subscribe").put("id", "s").put("channel", channel));
              return subscribed.onSuccess(v3 -> subscriber.textMessageHandler(this::onMessage));
            })
            .onSuccess(v2 -> {
              publisher.textMessageHandler(this::onReply);
              publisher.closeHandler(v3 -> done.tryFail("publisher closed by the gateway (" + publisher.closeStatusCode()
                  + " " + publisher.closeReason() + ") after " + acked + " replies"));
              started.complete(ProcessProbe.cpuMicros(serverPid));
              startedAt = System.nanoTime();
              while (sent < Math.min(window, frames.size())) {
                send();
              }
            })
            .onFailure(e -> {
              started.tryFail(e);
              done.tryFail(e);
            });
      });
      vertx.setTimer(TIMEOUT_MS, id -> context.runOnContext(v -> done.tryFail("no result within " + TIMEOUT_MS / 1000
          + " s (" + acked + " acknowledged, " + received + " received of " + frames.size() + ")")));
      long cpuBefore = started.future().await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      done.future().await(TIMEOUT_MS + 10_000, TimeUnit.MILLISECONDS);
      long cpu = ProcessProbe.cpuMicros(serverPid) - cpuBefore;
      return new Figures(frames.size() * 1e9 / elapsed, histogram.getValueAtPercentile(50),
          histogram.getValueAtPercentile(99), (double) cpu / frames.size());
    } finally {
      client.close().await(10, TimeUnit.SECONDS);
    }
  }

  private void send() {
    int n = sent++;
    sentAt[n] = System.nanoTime();
    publisher.writeTextMessage(frames.get(n));
  }

  /** A publish reply: {"type":"reply","id":N,"result":{...}} or an error, which ends the round. */
  private void onReply(String frame) {
    long now = System.nanoTime();
    int at = frame.indexOf(ID);
    int n = at < 0 ? -1 : number(frame, at + ID.length());
    if (n < 0 || n >= sent || sentAt[n] == 0 || !frame.contains("\"result\":")) {
      done.tryFail("unexpected reply: " + frame);
      return;
    }
    histogram.recordValue(Math.min(histogram.getHighestTrackableValue(), (now - sentAt[n]) / 1000));
    sentAt[n] = 0;
    acked++;
    if (sent < frames.size()) {
      send();
    }
    finishIfDone();
  }

  private void onMessage(String frame) {
    if (frame.startsWith(MESSAGE)) {
      received++;
      finishIfDone();
    }
  }

  private void finishIfDone() {
    if (acked == frames.size() && received == frames.size()) {
      elapsed = System.nanoTime() - startedAt;
      done.tryComplete();
    }
  }

  private Future<WebSocket> open(WebSocketClient client, int port) {
    // no Origin header (Vert.x adds one by default): an ingest listener refuses browsers' origins
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/")
        .setAllowOriginHeader(false));
  }

  private static Future<Void> command(WebSocket ws, JsonObject command) {
    Promise<Void> replied = Promise.promise();
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      if ("reply".equals(frame.getString("type"))) {
        if (frame.containsKey("result")) {
          replied.tryComplete();
        } else {
          replied.tryFail(command.getString("op") + " " + command.getString("channel") + " refused: "
              + frame.getValue("error"));
        }
      }
    });
    ws.writeTextMessage(command.encode());
    return replied.future();
  }

  private static int number(String s, int at) {
    int value = 0;
    int i = at;
    for (; i < s.length() && i - at < 9 && Character.isDigit(s.charAt(i)); i++) {
      value = value * 10 + (s.charAt(i) - '0');
    }
    return i == at ? -1 : value;
  }
}
