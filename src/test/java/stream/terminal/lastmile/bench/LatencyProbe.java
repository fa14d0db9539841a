package stream.terminal.lastmile.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Publish → receive latency through a gateway: one WebSocket publisher on an ingest listener sends numbered
 * messages at a fixed rate, each carrying its send time ({@link System#nanoTime()}, shared by processes of one
 * host), and subscribers on edge listeners record the delay in an HdrHistogram.
 *
 * <pre>LatencyProbe --publish ws://127.0.0.1:8081/ --subscribe ws://127.0.0.1:8080/ [--subscribe URL ...]
 *     [--channel bench.latency] [--rate 1000] [--count 20000] [--warmup 2000] [--label name]</pre>
 *
 * Prints one JSON line: label, subscribers, messages, and p50/p90/p99/p99.9/max in microseconds.
 */
public final class LatencyProbe {
  private final Vertx vertx = Vertx.vertx();
  private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
  private final AtomicLong received = new AtomicLong();
  /** Every message of every subscriber has arrived; set once {@code expected} is known. */
  private final CompletableFuture<Void> allReceived = new CompletableFuture<>();
  private volatile long expected = Long.MAX_VALUE;
  private final Options options;
  /** Held for the whole run: Vert.x closes a client that is garbage-collected, with its connections. */
  private WebSocketClient client;

  record Options(URI publish, List<URI> subscribe, String channel, int rate, int count, int warmup, String label) {}

  private LatencyProbe(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options options = parse(args);
    LatencyProbe probe = new LatencyProbe(options);
    try {
      System.out.println(probe.run().encode());
    } finally {
      probe.vertx.close().await();
    }
  }

  private JsonObject run() throws Exception {
    client = vertx.createWebSocketClient();
    WebSocket publisher = connect(client, options.publish()).await(30, TimeUnit.SECONDS);
    request(publisher, new JsonObject().put("op", "create").put("channel", options.channel())).await(30, TimeUnit.SECONDS);
    List<WebSocket> subscribers = new ArrayList<>();
    for (URI uri : options.subscribe()) {
      WebSocket ws = connect(client, uri).await(30, TimeUnit.SECONDS);
      Future<JsonObject> subscribed = request(ws, new JsonObject().put("op", "subscribe").put("channel", options.channel()));
      subscribed.await(30, TimeUnit.SECONDS);
      ws.textMessageHandler(this::onFrame);
      subscribers.add(ws);
    }
    int total = options.warmup() + options.count();
    expected = (long) total * subscribers.size();
    if (received.get() >= expected) {
      allReceived.complete(null);
    }
    // paced against the start time on the publisher's event loop: a late tick sends what is due, so the rate
    // holds without a spinning thread taking a core from the server
    long start = System.nanoTime();
    AtomicLong sent = new AtomicLong();
    Promise<Void> done = Promise.promise();
    vertx.setPeriodic(1, id -> {
      long due = Math.min(total, (System.nanoTime() - start) * options.rate() / 1_000_000_000L + 1);
      for (long n = sent.get(); n < due; n++) {
        publisher.writeTextMessage("{\"op\":\"publish\",\"channel\":\"" + options.channel() + "\",\"data\":{\"n\":"
            + n + ",\"t\":" + System.nanoTime() + "}}");
      }
      sent.set(due);
      if (due == total) {
        vertx.cancelTimer(id);
        done.complete();
      }
    });
    done.future().await();
    try {
      allReceived.get(30, TimeUnit.SECONDS);
    } catch (TimeoutException stillMissing) {
      // reported below as lost
    }
    Histogram h;
    synchronized (histogram) {
      h = histogram.copy();
    }
    return new JsonObject()
        .put("label", options.label())
        .put("subscribers", subscribers.size())
        .put("rate", options.rate())
        .put("messages", h.getTotalCount())
        .put("lost", expected - received.get())
        .put("p50_us", h.getValueAtPercentile(50))
        .put("p90_us", h.getValueAtPercentile(90))
        .put("p99_us", h.getValueAtPercentile(99))
        .put("p999_us", h.getValueAtPercentile(99.9))
        .put("max_us", h.getMaxValue());
  }

  /** Reads the message number and send time by scanning, without a JSON parse. */
  private void onFrame(String frame) {
    long now = System.nanoTime();
    int t = frame.indexOf("\"t\":");
    int n = frame.indexOf("\"n\":");
    if (!frame.startsWith("{\"type\":\"message\"") || t < 0 || n < 0) {
      return;
    }
    if (received.incrementAndGet() >= expected) {
      allReceived.complete(null);
    }
    if (number(frame, n + 4) >= options.warmup()) {
      synchronized (histogram) {
        histogram.recordValue(Math.min(histogram.getHighestTrackableValue(), (now - number(frame, t + 4)) / 1000));
      }
    }
  }

  private static long number(String s, int at) {
    long value = 0;
    for (int i = at; i < s.length() && Character.isDigit(s.charAt(i)); i++) {
      value = value * 10 + (s.charAt(i) - '0');
    }
    return value;
  }

  private static Future<WebSocket> connect(WebSocketClient client, URI uri) {
    // no Origin header (Vert.x adds one by default): an ingest listener refuses browsers' origins
    return client.connect(new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort()).setURI("/")
        .setAllowOriginHeader(false));
  }

  /** Sends one command and completes with its reply (channel_exists counts as success: reruns reuse the channel). */
  private static Future<JsonObject> request(WebSocket ws, JsonObject command) {
    Promise<JsonObject> reply = Promise.promise();
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      if ("reply".equals(frame.getString("type"))) {
        JsonObject error = frame.getJsonObject("error");
        if (error == null || "channel_exists".equals(error.getString("code"))) {
          reply.tryComplete(frame);
        } else {
          reply.tryFail(error.encode());
        }
      }
    });
    ws.writeTextMessage(command.copy().put("id", 1).encode());
    return reply.future();
  }

  private static Options parse(String[] args) {
    URI publish = null;
    List<URI> subscribe = new ArrayList<>();
    String channel = "bench.latency";
    int rate = 1000;
    int count = 20_000;
    int warmup = 2_000;
    String label = "run";
    for (int i = 0; i + 1 < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--publish" -> publish = URI.create(value);
        case "--subscribe" -> subscribe.add(URI.create(value));
        case "--channel" -> channel = value;
        case "--rate" -> rate = Integer.parseInt(value);
        case "--count" -> count = Integer.parseInt(value);
        case "--warmup" -> warmup = Integer.parseInt(value);
        case "--label" -> label = value;
        default -> throw new IllegalArgumentException("unknown option " + args[i].toLowerCase(Locale.ROOT));
      }
    }
    if (publish == null || subscribe.isEmpty()) {
      throw new IllegalArgumentException("usage: LatencyProbe --publish WS_URL --subscribe WS_URL [...]");
    }
    return new Options(publish, subscribe, channel, rate, count, warmup, label);
  }
}
