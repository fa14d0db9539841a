package stream.terminal.lastmile.demo;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The demo page's publisher ({@code scripts/demo-feed}): a price that wanders around 100 with trends that come
 * and go, its moving average and RSI, published as {@code {"symbol","tick","price","sma","rsi"}} a few times a
 * second through the HTTP ingest API, creating the channel first. A gateway that is not up yet, restarts (and
 * forgets the channel) or answers 429/5xx is waited out; a refusal that retrying cannot cure (401, 403, 400...)
 * ends the feed with status 1. Only changes of state are printed, on stderr: it runs next to a node's log.
 */
public final class IndicatorFeed {
  static final String USAGE = "usage: IndicatorFeed [--ingest http://127.0.0.1:8081] [--channel demo.indicator]"
      + " [--rate MSGS_PER_S (4)] [--count N (0 = forever)] [--seed N] [--token TOKEN]";
  private static final int SMA_PERIOD = 20;
  private static final int RSI_PERIOD = 14;
  /** Per tick: the walk's spread, its pull back toward 100, the size of a trend and how often one turns. */
  private static final double VOLATILITY = 0.001;
  private static final double MEAN_REVERSION = 0.002;
  private static final double TREND = 0.0003;
  private static final double TURN_PROBABILITY = 0.03;

  /** Command-line settings. */
  record Settings(URI ingest, String channel, double rate, long count, long seed, String token) {
    static Settings parse(String... args) {
      URI ingest = URI.create("http://127.0.0.1:8081");
      String channel = "demo.indicator";
      double rate = 4;
      long count = 0;
      long seed = System.nanoTime();
      String token = null;
      for (int i = 0; i < args.length; i++) {
        String option = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        String value = args[++i];
        try {
          switch (option) {
            case "--ingest" -> ingest = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
            case "--channel" -> channel = value;
            case "--rate" -> rate = Double.parseDouble(value);
            case "--count" -> count = Long.parseLong(value);
            case "--seed" -> seed = Long.parseLong(value);
            case "--token" -> token = value;
            default -> throw new IllegalArgumentException("unknown option " + option);
          }
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(option + " takes a number, not '" + value + "'");
        }
      }
      if (!"http".equals(ingest.getScheme()) && !"https".equals(ingest.getScheme())) {
        throw new IllegalArgumentException("--ingest must be an http:// or https:// URL");
      }
      if (!(rate >= 0.1 && rate <= 1000)) {
        throw new IllegalArgumentException("--rate must be 0.1-1000 messages per second");
      }
      if (count < 0) {
        throw new IllegalArgumentException("--count must be 0 (forever) or more");
      }
      return new Settings(ingest, channel, rate, count, seed, token);
    }
  }

  /** What one request came to. */
  private enum Outcome { DONE, RETRY, FATAL }

  // HTTP/1.1: the JDK client would otherwise offer every plain-HTTP request an h2c upgrade
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final Settings settings;
  private final PrintStream log;
  private final URI channelUri;
  private final URI messagesUri;
  private final Random random;
  private final Indicator indicator = new Indicator(SMA_PERIOD, RSI_PERIOD);
  private double price = 100;
  private double trend;
  private boolean channelReady;
  /** The last state printed, so a run of identical failures is printed once. */
  private String state = "";

  IndicatorFeed(Settings settings, PrintStream log) {
    this.settings = settings;
    this.log = log;
    String channel = URLEncoder.encode(settings.channel(), StandardCharsets.UTF_8);
    this.channelUri = URI.create(settings.ingest() + "/channels/" + channel);
    this.messagesUri = URI.create(settings.ingest() + "/channels/" + channel + "/messages");
    this.random = new Random(settings.seed());
  }

  public static void main(String[] args) throws InterruptedException {
    Settings settings;
    try {
      settings = Settings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("demo-feed: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    System.exit(new IndicatorFeed(settings, System.err).run());
  }

  /** Publishes until {@code count} messages are stored (forever with 0); 0 then, 1 after a fatal refusal. */
  int run() throws InterruptedException {
    long interval = (long) (TimeUnit.SECONDS.toNanos(1) / settings.rate());
    long next = System.nanoTime();
    long published = 0;
    JsonObject pending = null;
    while (settings.count() == 0 || published < settings.count()) {
      if (pending == null) {
        pending = nextMessage(published + 1);
      }
      Outcome outcome = channelReady ? Outcome.DONE : create();
      if (outcome == Outcome.DONE) {
        outcome = publish(pending);
      }
      if (outcome == Outcome.FATAL) {
        return 1;
      }
      if (outcome == Outcome.DONE) {
        published++;
        pending = null;
      }
      next += interval;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      } else {
        next = System.nanoTime(); // behind (a slow gateway): no burst to catch up
      }
    }
    return 0;
  }

  /** The walk's next step: a trend that turns now and then, noise, and a pull back toward 100. */
  private JsonObject nextMessage(long tick) {
    if (random.nextDouble() < TURN_PROBABILITY) {
      trend = (random.nextInt(3) - 1) * TREND;
    }
    price *= Math.exp(trend + VOLATILITY * random.nextGaussian() + MEAN_REVERSION * Math.log(100 / price));
    Indicator.Point point = indicator.next(price);
    return new JsonObject()
        .put("symbol", "DEMO")
        .put("tick", tick)
        .put("price", round(point.price(), 4))
        .put("sma", point.sma() == null ? null : round(point.sma(), 4))
        .put("rsi", point.rsi() == null ? null : round(point.rsi(), 2));
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  /** PUT the channel: created (201) or already there (409) are both fine. */
  private Outcome create() throws InterruptedException {
    HttpResponse<String> reply = send(HttpRequest.newBuilder(channelUri).PUT(HttpRequest.BodyPublishers.noBody()));
    if (reply == null) {
      return Outcome.RETRY;
    }
    if (reply.statusCode() == 201 || reply.statusCode() == 409) {
      channelReady = true;
      return Outcome.DONE;
    }
    return refused("PUT", reply);
  }

  private Outcome publish(JsonObject message) throws InterruptedException {
    HttpResponse<String> reply = send(HttpRequest.newBuilder(messagesUri)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(message.encode())));
    if (reply == null) {
      return Outcome.RETRY;
    }
    if (reply.statusCode() == 200) {
      report("publishing " + settings.channel() + " to " + settings.ingest() + ", " + settings.rate()
          + " messages/s");
      return Outcome.DONE;
    }
    if (reply.statusCode() == 404 && "channel_not_found".equals(errorCode(reply.body()))) {
      // a restarted gateway (a new epoch) has forgotten the channel: create it again on the next tick
      report("channel " + settings.channel() + " is gone (gateway restarted?); creating it again");
      channelReady = false;
      return Outcome.RETRY;
    }
    return refused("POST", reply);
  }

  /** 429 and 5xx pass; anything else would fail the same way every time. */
  private Outcome refused(String method, HttpResponse<String> reply) {
    int status = reply.statusCode();
    if (status == 429 || status >= 500) {
      report(method + " " + reply.uri().getPath() + " -> " + status + " " + reply.body() + "; retrying");
      return Outcome.RETRY;
    }
    log.println("demo-feed: " + method + " " + reply.uri() + " -> " + status + " " + reply.body()
        + (status == 401 ? " (the ingest listener has auth_tokens: pass one with --token)" : "") + "; stopping");
    return Outcome.FATAL;
  }

  /** The {@code error.code} of an error body, or null when the body is not one (a proxy's page, say). */
  private static String errorCode(String body) {
    try {
      JsonObject error = new JsonObject(body).getJsonObject("error");
      return error == null ? null : error.getString("code");
    } catch (RuntimeException notAnErrorBody) {
      return null;
    }
  }

  /** Sends a request; null when the gateway could not be reached (reported once per outage). */
  private HttpResponse<String> send(HttpRequest.Builder request) throws InterruptedException {
    if (settings.token() != null) {
      request.header("Authorization", "Bearer " + settings.token());
    }
    try {
      return http.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      report("waiting for the ingest API at " + settings.ingest() + " (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
      return null;
    }
  }

  private void report(String line) {
    if (!line.equals(state)) {
      state = line;
      log.println("demo-feed: " + line);
    }
  }
}
