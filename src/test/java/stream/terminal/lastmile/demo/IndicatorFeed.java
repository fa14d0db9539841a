package stream.terminal.lastmile.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import stream.terminal.lastmile.demo.proto.IndicatorPoint;
import stream.terminal.lastmile.sdk.ClientOptions;
import stream.terminal.lastmile.sdk.LastMileClient;
import stream.terminal.lastmile.sdk.LastMileException;
import stream.terminal.lastmile.sdk.PublishStream;

/**
 * The demo page's publisher ({@code scripts/demo-feed}), the end-to-end example of the gRPC ingest API: a price
 * that wanders around 100 with trends that come and go, its moving average and RSI, as Protobuf
 * {@code lastmile.demo.IndicatorPoint} messages (src/test/demo-proto) streamed a few times a second over one gRPC
 * {@code PublishStream} as {@code google.protobuf.Any}, through the Java client library. The node turns each into
 * its proto3 JSON mapping, {@code {"symbol","tick","price","sma","rsi"}}, which the page charts; it needs the
 * demo's descriptor set (scripts/run gives it). A gateway that is not up yet, restarts (and forgets the channel)
 * or is briefly overloaded is waited out; a refusal that retrying cannot cure (unauthenticated, permission_denied,
 * unknown_type...) ends the feed with status 1. Only changes of state are printed, on stderr: it runs next to a
 * node's log.
 */
public final class IndicatorFeed {
  static final String USAGE = "usage: IndicatorFeed [--ingest 127.0.0.1:8081] [--channel demo.indicator]"
      + " [--rate MSGS_PER_S (4)] [--count N (0 = forever)] [--seed N] [--token TOKEN]";
  private static final int SMA_PERIOD = 20;
  private static final int RSI_PERIOD = 14;
  /** Per tick: the walk's spread, its pull back toward 100, the size of a trend and how often one turns. */
  private static final double VOLATILITY = 0.001;
  private static final double MEAN_REVERSION = 0.002;
  private static final double TREND = 0.0003;
  private static final double TURN_PROBABILITY = 0.03;
  /** How long a call may go unanswered before the stream is taken for broken and opened again. */
  private static final long ANSWER_TIMEOUT_MS = 5000;
  /** Refusals that pass: a node that is down, restarting or briefly over a limit. */
  private static final Set<String> PASSING = Set.of(LastMileException.UNAVAILABLE, LastMileException.TIMEOUT,
      LastMileException.CLOSED, "cancelled", "rate_limited", "internal");

  /** Command-line settings. */
  record Settings(String host, int port, String channel, double rate, long count, long seed, String token) {
    static Settings parse(String... args) {
      String ingest = "127.0.0.1:8081";
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
            case "--ingest" -> ingest = value;
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
      int colon = ingest.lastIndexOf(':');
      int port;
      try {
        port = colon < 1 ? -1 : Integer.parseInt(ingest.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535 || ingest.contains("/")) {
        throw new IllegalArgumentException("--ingest must be HOST:PORT of an ingest listener with grpc: true, not '"
            + ingest + "'");
      }
      if (!(rate >= 0.1 && rate <= 1000)) {
        throw new IllegalArgumentException("--rate must be 0.1-1000 messages per second");
      }
      if (count < 0) {
        throw new IllegalArgumentException("--count must be 0 (forever) or more");
      }
      return new Settings(ingest.substring(0, colon), port, channel, rate, count, seed, token);
    }

    String address() {
      return host + ":" + port;
    }
  }

  /** What one call came to. */
  private enum Outcome { DONE, RETRY, FATAL }

  private final Settings settings;
  private final PrintStream log;
  private final Random random;
  private final Indicator indicator = new Indicator(SMA_PERIOD, RSI_PERIOD);
  private double price = 100;
  private double trend;
  private boolean channelReady;
  /** The open PublishStream, or null before the first publish and after it broke. */
  private PublishStream stream;
  /** The last state printed, so a run of identical failures is printed once. */
  private String state = "";

  IndicatorFeed(Settings settings, PrintStream log) {
    this.settings = settings;
    this.log = log;
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
    Vertx vertx = Vertx.vertx();
    String token = settings.token();
    LastMileClient client = LastMileClient.create(vertx, new ClientOptions()
        .host(settings.host()).port(settings.port()).requestTimeoutMs(ANSWER_TIMEOUT_MS)
        .credential(token == null ? null : () -> token));
    try {
      return run(client);
    } finally {
      closeStream();
      quietly(client.close());
      quietly(vertx.close());
    }
  }

  private int run(LastMileClient client) throws InterruptedException {
    long interval = (long) (TimeUnit.SECONDS.toNanos(1) / settings.rate());
    long next = System.nanoTime();
    long published = 0;
    IndicatorPoint pending = null;
    while (settings.count() == 0 || published < settings.count()) {
      if (pending == null) {
        pending = nextPoint(published + 1);
      }
      Outcome outcome = channelReady ? Outcome.DONE : create(client);
      if (outcome == Outcome.DONE) {
        outcome = publish(client, pending);
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
  private IndicatorPoint nextPoint(long tick) {
    if (random.nextDouble() < TURN_PROBABILITY) {
      trend = (random.nextInt(3) - 1) * TREND;
    }
    price *= Math.exp(trend + VOLATILITY * random.nextGaussian() + MEAN_REVERSION * Math.log(100 / price));
    Indicator.Point point = indicator.next(price);
    IndicatorPoint.Builder message = IndicatorPoint.newBuilder()
        .setSymbol("DEMO").setTick((int) tick).setPrice(round(point.price(), 4));
    if (point.sma() != null) {
      message.setSma(round(point.sma(), 4));
    }
    if (point.rsi() != null) {
      message.setRsi(round(point.rsi(), 2));
    }
    return message.build();
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  /** CreateChannel: created or already there ({@code channel_exists}) are both fine. */
  private Outcome create(LastMileClient client) throws InterruptedException {
    try {
      await(client.createChannel(settings.channel()));
    } catch (LastMileException e) {
      if (!e.code().equals("channel_exists")) {
        return refused("CreateChannel", e);
      }
    }
    channelReady = true;
    return Outcome.DONE;
  }

  private Outcome publish(LastMileClient client, IndicatorPoint point) throws InterruptedException {
    if (stream == null) {
      stream = client.openStream();
    }
    try {
      await(stream.send(settings.channel(), point));
    } catch (LastMileException e) {
      if (e.code().equals("channel_not_found")) {
        // a restarted gateway (a new epoch) has forgotten the channel: create it again on the next tick; a refused
        // message does not end the stream
        report("channel " + settings.channel() + " is gone (gateway restarted?); creating it again");
        channelReady = false;
        return Outcome.RETRY;
      }
      if (PASSING.contains(e.code())) {
        // the stream may be broken: the next publish opens another, after creating the channel again in case the
        // node restarted
        closeStream();
        channelReady = false;
      }
      return refused("PublishStream", e);
    }
    report("publishing " + settings.channel() + " to " + settings.address() + " over gRPC (PublishStream, "
        + IndicatorPoint.getDescriptor().getFullName() + " as Any), " + settings.rate() + " messages/s");
    return Outcome.DONE;
  }

  /** Passing failures are waited out; anything else would fail the same way every time. */
  private Outcome refused(String call, LastMileException e) {
    if (PASSING.contains(e.code())) {
      report(e.code().equals(LastMileException.UNAVAILABLE) || e.code().equals(LastMileException.TIMEOUT)
          ? "waiting for the gRPC ingest API at " + settings.address() + " (" + e.code() + ")"
          : call + " -> " + e + "; retrying");
      return Outcome.RETRY;
    }
    String hint = switch (e.code()) {
      case "unauthenticated", "invalid_token" -> " (the ingest listener wants a credential: pass one with --token)";
      case "unknown_type" -> " (start the node with the demo's descriptor set: scripts/run does)";
      default -> "";
    };
    log.println("demo-feed: " + call + " " + settings.channel() + " at " + settings.address() + " -> " + e + hint
        + "; stopping");
    return Outcome.FATAL;
  }

  private void closeStream() {
    if (stream != null) {
      stream.close(); // its outcome does not matter: what was acknowledged is stored
      stream = null;
    }
  }

  /** The future's value; its failure as a LastMileException ({@code timeout} when no answer comes in time). */
  private static <T> T await(Future<T> future) throws InterruptedException {
    try {
      return future.toCompletionStage().toCompletableFuture().get(ANSWER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof LastMileException l ? l
          : new LastMileException(LastMileException.UNAVAILABLE, String.valueOf(e.getCause()), e.getCause());
    } catch (TimeoutException e) {
      throw new LastMileException(LastMileException.TIMEOUT, "no answer in " + ANSWER_TIMEOUT_MS + " ms");
    }
  }

  /** Waits for a close whose failure changes nothing: the feed's outcome is decided. */
  private static void quietly(Future<Void> closing) throws InterruptedException {
    try {
      await(closing);
    } catch (LastMileException ignored) {
      // nothing left to do about it
    }
  }

  private void report(String line) {
    if (!line.equals(state)) {
      state = line;
      log.println("demo-feed: " + line);
    }
  }
}
