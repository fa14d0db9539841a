package stream.terminal.lastmile.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Publish throughput and publish-acknowledgement latency of one ingest listener: one WebSocket publishes
 * numbered messages to one channel (or round-robin to several), keeping at most {@code window} of them unacknowledged (the next one goes
 * out when a reply comes in), and records the time from each send to its reply in an HdrHistogram. A publish is
 * acknowledged once the gateway has stored it (in the channel's backlog when its policy keeps one), so the
 * figures show what storing costs.
 *
 * <pre>PublishProbe --publish ws://127.0.0.1:8081/ [--channel bench.publish] [--channels 1] [--count 20000]
 *     [--warmup 2000] [--window 64] [--label name] [--timeout 300] [--keyed false]</pre>
 *
 * <p>{@code --keyed true} gives every publish an idempotency key of its own (docs/protocol.md 2.11), to measure
 * what the key's claim costs.
 *
 * The first {@code warmup} messages are left out of every figure. Throughput counts the acknowledgements of the
 * measured messages over the time from the last warm-up acknowledgement to the last one. Prints one JSON line:
 * label, channel, channels, window, messages, acks_per_s, p50/p99/p99.9/max acknowledgement latency in
 * microseconds, and misnumbered: publishes whose offset is not their channel's lowest offset acknowledged plus
 * their place in that channel's sending order (0
 * unless the gateway numbered a connection's publishes out of sending order, or another client published to the
 * channel meanwhile).
 * Any error reply, a closed connection or the deadline ({@code timeout} seconds) ends it with exit status 1.
 */
public final class PublishProbe {
  /** A channel name as the gateway accepts it: it goes into the frames unescaped. */
  private static final Pattern CHANNEL = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");
  private static final String ID = "\"id\":";
  private static final String OFFSET = "\"offset\":";

  private final Vertx vertx = Vertx.vertx();
  private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
  private final Options options;
  private final Promise<JsonObject> done = Promise.promise();
  // the state below lives on the connection's event loop only
  /** Send time of each publish in flight, by id; 0 once acknowledged. */
  private final long[] sentAt;
  /** The offset each publish was acknowledged with, by id. */
  private final long[] offsets;
  private final int total;
  /** Held for the whole run: Vert.x closes a client that is garbage-collected, with its connections. */
  private WebSocketClient client;
  private WebSocket ws;
  /** The start of a publish frame, per channel. */
  private String[] prefixes;
  private int sent;
  private int acked;
  private long measuredFrom;

  /**
   * @param channels publishes go round-robin over this many channels: {@code channel.0}, {@code channel.1}, ...
   * @param keyed whether each publish carries an idempotency key
   */
  record Options(URI publish, String channel, int channels, int count, int warmup, int window, String label,
      int timeoutSeconds, boolean keyed) {}

  private PublishProbe(Options options) {
    this.options = options;
    this.total = options.warmup() + options.count();
    this.sentAt = new long[total];
    this.offsets = new long[total];
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("PublishProbe: " + e.getMessage());
      System.exit(2);
      return;
    }
    PublishProbe probe = new PublishProbe(options);
    int status = 0;
    try {
      System.out.println(probe.run().encode());
    } catch (Throwable e) { // a failed Future's await rethrows what it failed with, checked or not
      System.err.println("PublishProbe " + options.label() + ": " + describe(e));
      status = 1;
    } finally {
      try {
        probe.vertx.close().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // exiting anyway
      }
    }
    System.exit(status);
  }

  private JsonObject run() throws Exception {
    // everything happens on one event loop: connect from it, so the connection's handlers run there too
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> start());
    long timeoutMs = TimeUnit.SECONDS.toMillis(options.timeoutSeconds());
    vertx.setTimer(timeoutMs, id -> context.runOnContext(v -> fail("no result within " + options.timeoutSeconds()
        + " s (" + sent + " sent, " + acked + " acknowledged of " + total + ")")));
    // the timer above fails the promise with the progress made; this bound is only a backstop
    return done.future().await(timeoutMs + 10_000, TimeUnit.MILLISECONDS);
  }

  private void start() {
    client = vertx.createWebSocketClient();
    URI uri = options.publish();
    client
        // no Origin header (Vert.x adds one by default): an ingest listener refuses browsers' origins
        .connect(new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort()).setURI("/")
            .setAllowOriginHeader(false))
        .compose(connected -> {
          ws = connected;
          ws.closeHandler(v -> fail("connection closed by the gateway (" + ws.closeStatusCode() + " "
              + ws.closeReason() + ") after " + acked + " acknowledgements of " + total));
          ws.exceptionHandler(e -> fail("connection error: " + e));
          return create();
        })
        .onSuccess(v -> publishAll())
        .onFailure(e -> fail(e.getMessage() == null ? e.toString() : e.getMessage()));
  }

  /** Creates the channels, one after the other; {@code channel_exists} counts as success, so reruns reuse them. */
  private Future<Void> create() {
    Future<Void> all = Future.succeededFuture();
    for (int c = 0; c < options.channels(); c++) {
      String name = channelName(c);
      all = all.compose(v -> create(name));
    }
    return all;
  }

  private String channelName(int c) {
    return options.channels() == 1 ? options.channel() : options.channel() + "." + c;
  }

  private Future<Void> create(String channel) {
    Promise<Void> created = Promise.promise();
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      JsonObject error = frame.getJsonObject("error");
      if (!"reply".equals(frame.getString("type"))) {
        created.tryFail("unexpected frame while creating " + channel + ": " + text);
      } else if (error == null || "channel_exists".equals(error.getString("code"))) {
        created.tryComplete();
      } else {
        created.tryFail("create " + channel + " failed: " + error.encode());
      }
    });
    ws.writeTextMessage(new JsonObject().put("op", "create").put("channel", channel).put("id", "create")
        .encode());
    return created.future();
  }

  private void publishAll() {
    prefixes = new String[options.channels()];
    for (int c = 0; c < prefixes.length; c++) {
      prefixes[c] = "{\"op\":\"publish\",\"channel\":\"" + channelName(c) + "\",\"data\":{\"n\":";
    }
    ws.textMessageHandler(this::onReply);
    if (options.warmup() == 0) {
      measuredFrom = System.nanoTime();
    }
    while (sent < Math.min(options.window(), total)) {
      send();
    }
  }

  private void send() {
    int n = sent++;
    String frame = prefixes[n % prefixes.length] + n + "},\"id\":" + n
        + (options.keyed() ? ",\"idempotency_key\":\"" + options.label() + "-" + n + "\"}" : "}");
    sentAt[n] = System.nanoTime();
    ws.writeTextMessage(frame);
  }

  /** A publish reply: {"type":"reply","id":N,"result":{...}} or {"type":"reply","id":N,"error":{...}}. */
  private void onReply(String frame) {
    long now = System.nanoTime();
    if (done.future().isComplete()) {
      return;
    }
    int at = frame.indexOf(ID);
    if (!frame.startsWith("{\"type\":\"reply\"") || at < 0) {
      fail("unexpected frame: " + frame);
      return;
    }
    int from = at + ID.length();
    int end = from;
    long n = 0;
    while (end < frame.length() && end - from < 10 && Character.isDigit(frame.charAt(end))) {
      n = n * 10 + (frame.charAt(end++) - '0');
    }
    if (!frame.startsWith(",\"result\":", end)) {
      fail("error reply: " + frame);
      return;
    }
    if (end == from || n >= sent || sentAt[(int) n] == 0) {
      fail("reply to a publish not in flight: " + frame);
      return;
    }
    int id = (int) n;
    int offsetAt = frame.indexOf(OFFSET, end);
    offsets[id] = offsetAt < 0 ? -1 : number(frame, offsetAt + OFFSET.length());
    long latency = now - sentAt[id];
    sentAt[id] = 0; // acknowledged: a second reply with this id is an error
    if (id >= options.warmup()) {
      histogram.recordValue(Math.min(histogram.getHighestTrackableValue(), Math.max(0, latency / 1000)));
    }
    acked++;
    if (acked == options.warmup()) {
      measuredFrom = now;
    }
    if (acked == total) {
      done.tryComplete(result(now - measuredFrom));
    } else if (sent < total) {
      send();
    }
  }

  private JsonObject result(long elapsedNanos) {
    return new JsonObject()
        .put("label", options.label())
        .put("channel", options.channel())
        .put("channels", options.channels())
        .put("window", options.window())
        .put("messages", histogram.getTotalCount())
        .put("acks_per_s", Math.round(options.count() * 1e9 / Math.max(1, elapsedNanos)))
        .put("p50_us", histogram.getValueAtPercentile(50))
        .put("p99_us", histogram.getValueAtPercentile(99))
        .put("p999_us", histogram.getValueAtPercentile(99.9))
        .put("max_us", histogram.getMaxValue())
        .put("misnumbered", misnumbered());
  }

  /**
   * Publishes whose offset is not their place in sending order: one connection's publishes to a channel nobody
   * else publishes to get consecutive offsets in the order sent, so the k-th publish to a channel must have that
   * channel's lowest offset plus k (publish n is the (n / channels)-th to channel n % channels).
   */
  private int misnumbered() {
    int channels = options.channels();
    long[] lowest = new long[channels];
    Arrays.fill(lowest, Long.MAX_VALUE);
    for (int n = 0; n < total; n++) {
      lowest[n % channels] = Math.min(lowest[n % channels], offsets[n]);
    }
    int wrong = 0;
    for (int n = 0; n < total; n++) {
      if (offsets[n] != lowest[n % channels] + n / channels) {
        wrong++;
      }
    }
    return wrong;
  }

  private static long number(String s, int at) {
    long value = 0;
    int i = at;
    for (; i < s.length() && Character.isDigit(s.charAt(i)); i++) {
      value = value * 10 + (s.charAt(i) - '0');
    }
    return i == at ? -1 : value;
  }

  private void fail(String message) {
    done.tryFail(message);
  }

  /** The first message along the cause chain, or the exception itself. */
  private static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        return t.getMessage();
      }
    }
    return e.toString();
  }

  private static Options parse(String[] args) {
    URI publish = null;
    String channel = "bench.publish";
    int channels = 1;
    int count = 20_000;
    int warmup = 2_000;
    int window = 64;
    String label = "run";
    int timeout = 300;
    boolean keyed = false;
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("option " + args[args.length - 1] + " needs a value");
    }
    for (int i = 0; i + 1 < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--publish" -> publish = URI.create(value);
        case "--channel" -> channel = value;
        case "--channels" -> channels = positive(args[i], value, 1);
        case "--count" -> count = positive(args[i], value, 1);
        case "--warmup" -> warmup = positive(args[i], value, 0);
        case "--window" -> window = positive(args[i], value, 1);
        case "--label" -> label = value;
        case "--timeout" -> timeout = positive(args[i], value, 1);
        case "--keyed" -> keyed = Boolean.parseBoolean(value);
        default -> throw new IllegalArgumentException("unknown option " + args[i].toLowerCase(Locale.ROOT));
      }
    }
    if (publish == null || publish.getHost() == null || publish.getPort() < 0) {
      throw new IllegalArgumentException("usage: PublishProbe --publish ws://HOST:PORT/ [--channel NAME] [--channels N] [--count N]"
          + " [--warmup W] [--window K] [--label L] [--timeout SECONDS] [--keyed true|false]");
    }
    if (!CHANNEL.matcher(channel).matches()) {
      throw new IllegalArgumentException("not a valid channel name: " + channel);
    }
    if ((long) count + warmup > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("--count plus --warmup is too large");
    }
    return new Options(publish, channel, channels, count, warmup, window, label, timeout, keyed);
  }

  private static int positive(String option, String value, int min) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(option + " needs an integer >= " + min + ", got '" + value + "'");
  }
}
