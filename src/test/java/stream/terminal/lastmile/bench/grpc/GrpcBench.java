package stream.terminal.lastmile.bench.grpc;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import stream.terminal.lastmile.bench.Figures;
import stream.terminal.lastmile.bench.Format;
import stream.terminal.lastmile.bench.MarkdownTable;
import stream.terminal.lastmile.bench.NodeJvm;
import stream.terminal.lastmile.sdk.ClientOptions;

/**
 * What the gRPC ingest API (issue 12) costs next to the HTTP API and WebSocket publishing, in one run against a
 * fresh node of its own ({@link GrpcBenchNode}): publishes/s, time to the acknowledgement (p50, p99) and the node's
 * CPU per publish for
 * <ul>
 *   <li>gRPC PublishStream (one stream, {@code window} unacknowledged), JSON payloads;
 *   <li>gRPC unary Publish, {@code in-flight} calls at once on one HTTP/2 connection;
 *   <li>HTTP {@code POST /channels/{c}/messages}, {@code in-flight} requests at once (one connection each);
 *   <li>WebSocket {@code publish}, {@code in-flight} unacknowledged on one connection;
 *   <li>gRPC PublishStream with Protobuf payloads ({@code Any} of the demo's {@code IndicatorPoint}), which the
 *       node maps to the same JSON documents: the conversion's cost.
 * </ul>
 * Every variant publishes the same documents to a fresh channel with one WebSocket subscriber, and a round ends
 * when all are acknowledged and delivered. {@code warmups} rounds of every variant come first, then {@code rounds}
 * measured rounds (variants rotated each round); prints each variant's medians as a markdown table with the
 * ratios to HTTP publish.
 *
 * <pre>GrpcBench [--jar target/last-mile.jar] [--server-cpus 0] [--publishes 40000] [--in-flight 64]
 *     [--window 64] [--warmups 2] [--rounds 3] [--work target/bench/grpc]</pre>
 */
public final class GrpcBench {
  static final String STREAM = "gRPC PublishStream";
  static final String UNARY = "gRPC unary Publish";
  static final String HTTP = "HTTP publish";
  static final String WEBSOCKET = "WebSocket publish";
  static final String STREAM_PROTOBUF = "gRPC PublishStream, Protobuf Any";
  /** The variant the ratios compare with: the API publishers had before gRPC. */
  private static final String BASE = HTTP;

  record Options(String jar, String serverCpus, int publishes, int inFlight, int window, int warmups, int rounds,
      String work) {}

  private final Options options;
  private final Payloads payloads;

  private GrpcBench(Options options) {
    this.options = options;
    this.payloads = Payloads.of(options.publishes(), 12);
  }

  public static void main(String[] args) {
    NodeJvm.main("GrpcBench", args, GrpcBench::parse, options -> new GrpcBench(options).run());
  }

  private String run() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (NodeJvm node = GrpcBenchNode.start(options)) {
      ClientOptions client = new ClientOptions().host("127.0.0.1").port(node.ingestPort())
          .streamWindow(options.window());
      Map<String, Figures> medians = measure(ways(vertx, node.ingestPort(), payloads, options.inFlight()),
          (way, channel) -> new PublishRun(vertx, client, node.edgePort())
              .run(channel, way, payloads.size(), options.inFlight(), node.pid()));
      return String.format(Locale.ROOT, "%d publishes a round, %.0f-byte JSON documents (%.0f bytes as Protobuf)%n%n",
          payloads.size(), payloads.meanJsonBytes(), payloads.meanProtobufBytes()) + table(medians);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** The variants, in the table's order. */
  static Map<String, Publishes.Way> ways(Vertx vertx, int ingestPort, Payloads payloads, int inFlight) {
    Map<String, Publishes.Way> ways = new LinkedHashMap<>();
    ways.put(STREAM, (channel, client) -> new GrpcStreamPublishes(client, channel, payloads, false));
    ways.put(UNARY, (channel, client) -> new GrpcUnaryPublishes(client, channel, payloads));
    ways.put(HTTP, (channel, client) -> new HttpPublishes(vertx, ingestPort, channel, payloads, inFlight));
    ways.put(WEBSOCKET, (channel, client) -> new WebSocketPublishes(vertx, ingestPort, channel, payloads));
    ways.put(STREAM_PROTOBUF, (channel, client) -> new GrpcStreamPublishes(client, channel, payloads, true));
    return ways;
  }

  interface Round {
    Figures run(Publishes.Way way, String channel) throws Exception;
  }

  /**
   * The first {@code warmups} rounds warm every variant up (the node's JIT: one round of 20,000 was not enough)
   * and are dropped; the next {@code rounds} are measured, the variants' order rotating.
   */
  private Map<String, Figures> measure(Map<String, Publishes.Way> ways, Round round) throws Exception {
    List<String> order = new ArrayList<>(ways.keySet());
    Figures.ByVariant measured = new Figures.ByVariant(ways.keySet());
    for (int r = 0; r < options.warmups() + options.rounds(); r++) {
      for (String variant : order) {
        String channel = "bench.grpc." + variant.replaceAll("[^A-Za-z0-9]+", "-") + "." + r;
        Figures figures = round.run(ways.get(variant), channel);
        System.err.printf(Locale.ROOT, "%s round %d: %.0f/s p50 %d µs p99 %d µs, %.1f µs CPU each%n", variant, r,
            figures.perSecond(), figures.p50Micros(), figures.p99Micros(), figures.cpuMicrosPerOp());
        if (r >= options.warmups()) {
          measured.add(variant, figures);
        }
      }
      order.add(order.remove(0));
    }
    return measured.medians();
  }

  /** The medians, and each variant's rate and CPU against HTTP publish. */
  static String table(Map<String, Figures> medians) {
    Figures base = medians.get(BASE);
    MarkdownTable table = new MarkdownTable(List.of("publish over", "publishes/s", "ack p50 ms", "ack p99 ms",
        "µs CPU/publish", "rate vs HTTP", "CPU vs HTTP"), 7);
    medians.forEach((variant, f) -> table.row(List.of(variant, Format.count(f.perSecond()),
        String.format(Locale.ROOT, "%.2f", f.p50Micros() / 1000.0),
        String.format(Locale.ROOT, "%.2f", f.p99Micros() / 1000.0),
        String.format(Locale.ROOT, "%.1f", f.cpuMicrosPerOp()),
        String.format(Locale.ROOT, "%.2f", f.perSecond() / base.perSecond()),
        String.format(Locale.ROOT, "%.2f", f.cpuMicrosPerOp() / base.cpuMicrosPerOp()))));
    return table.render();
  }

  static Options parse(String[] args) {
    Map<String, String> values = new LinkedHashMap<>(Map.of("--jar", "target/last-mile.jar", "--server-cpus", "0",
        "--publishes", "40000", "--in-flight", "64", "--window", "64", "--warmups", "2", "--rounds", "3",
        "--work", "target/bench/grpc"));
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("option " + args[args.length - 1] + " needs a value");
    }
    for (int i = 0; i < args.length; i += 2) {
      if (!values.containsKey(args[i])) {
        throw new IllegalArgumentException("unknown option " + args[i] + "; options: " + values.keySet());
      }
      values.put(args[i], args[i + 1]);
    }
    return new Options(values.get("--jar"), values.get("--server-cpus"), bounded(values, "--publishes", 1, 10_000_000),
        bounded(values, "--in-flight", 1, 1024), bounded(values, "--window", 1, 65536),
        bounded(values, "--warmups", 0, 100), bounded(values, "--rounds", 1, 100), values.get("--work"));
  }

  private static int bounded(Map<String, String> values, String option, int min, int max) {
    String value = values.get(option);
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        option + " needs an integer from " + min + " to " + max + ", got '" + value + "'");
  }
}
