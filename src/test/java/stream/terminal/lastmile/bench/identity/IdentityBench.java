package stream.terminal.lastmile.bench.identity;

import io.vertx.core.Vertx;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import stream.terminal.lastmile.bench.Figures;
import stream.terminal.lastmile.bench.Format;
import stream.terminal.lastmile.bench.MarkdownTable;
import stream.terminal.lastmile.bench.NodeJvm;
import stream.terminal.lastmile.bench.identity.ConnectRound.SignOn;
import stream.terminal.lastmile.identity.MessageSignatures;
import stream.terminal.lastmile.support.Keys;
import stream.terminal.lastmile.support.MockOidcProvider;
import stream.terminal.lastmile.support.MockOidcProvider.Case;

/**
 * What identity costs (issue 11), in one run against a fresh node of its own ({@link BenchNode}) with an OIDC issuer
 * (mock-oauth2-server, its own JVM), an API key and whitelisted Ed25519 and P-256 keys:
 * <ul>
 *   <li>connects: clients doing connect, [sign-on], subscribe, close: anonymous; {@code auth} with a user JWT (RS256,
 *       a few minted by the provider and reused: the node verifies every presentation); an API key in the
 *       handshake's {@code Authorization}; {@code auth} with a fresh publisher JWT (EdDSA, single-use jti) each;
 *   <li>publishes: one pipelined WebSocket publisher, unsigned, Ed25519-signed and P-256-signed, the signatures
 *       made before the round starts.
 * </ul>
 * A warm-up round of every variant comes first, then {@code rounds} measured rounds (variants rotated each round);
 * prints each variant's medians as a markdown table with the ratio to the unauthenticated variant.
 *
 * <pre>IdentityBench [--jar target/last-mile.jar] [--server-cpus 0] [--connections 2000] [--in-flight 64]
 *     [--sources 16] [--publishes 20000] [--window 64] [--rounds 3] [--work target/bench/identity]</pre>
 */
public final class IdentityBench {
  private static final String ISSUER = "bench";
  private static final int USER_TOKENS = 4;

  record Options(String jar, String serverCpus, int connections, int inFlight, int sources, int publishes, int window,
      int rounds, String work) {}

  private final Options options;
  private final KeyPair ed25519 = Keys.ed25519();
  private final KeyPair p256 = Keys.p256();
  private final String apiKey = Keys.apiKey();

  private IdentityBench(Options options) {
    this.options = options;
  }

  public static void main(String[] args) {
    NodeJvm.main("IdentityBench", args, IdentityBench::parse, options -> new IdentityBench(options).run());
  }

  private String run() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (MockOidcProvider provider = MockOidcProvider.start(Map.of(ISSUER, 3600));
         NodeJvm node = BenchNode.start(options, config(provider))) {
      // an interrupted run (Ctrl-C in the script) must not leave the provider's JVM behind (NodeJvm stops its own)
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          provider.close();
        } catch (Exception e) {
          // exiting anyway
        }
      }));
      List<String> userTokens = new ArrayList<>();
      for (int i = 0; i < USER_TOKENS; i++) {
        userTokens.add(provider.token(ISSUER, Case.VALID, Map.of("sub", "user-" + i)));
      }
      Map<String, Figures> connects = connects(vertx, node, userTokens);
      Map<String, Figures> publishes = publishes(vertx, node);
      return table("connects", "connects/s", "µs CPU/connect", connects)
          + "\n" + table("publishes", "publishes/s", "µs CPU/publish", publishes);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private Map<String, Figures> connects(Vertx vertx, NodeJvm node, List<String> userTokens) throws Exception {
    Map<String, IntFunction<SignOn>> variants = new LinkedHashMap<>();
    variants.put("anonymous", i -> SignOn.ANONYMOUS);
    variants.put("user JWT (RS256) in auth", i -> new SignOn(null, userTokens.get(i % userTokens.size())));
    variants.put("API key in Authorization", i -> new SignOn(apiKey, null));
    variants.put("publisher JWT (EdDSA) in auth", null); // minted per round: each jti is single-use
    return measure(variants.keySet(), (variant, r) -> {
      IntFunction<SignOn> signOns = variants.get(variant);
      if (signOns == null) {
        List<SignOn> fresh = new ArrayList<>(options.connections());
        for (int i = 0; i < options.connections(); i++) {
          fresh.add(new SignOn(null, Keys.publisherJwt(ed25519.getPrivate(), BenchNode.ED25519_KID, "last-mile", 300)));
        }
        signOns = fresh::get;
      }
      ConnectRound round = new ConnectRound(vertx, node.edgePort(), BenchNode.CONNECT_CHANNEL, options.sources());
      try {
        return round.run(options.connections(), options.inFlight(), signOns, node.pid());
      } finally {
        round.close();
      }
    });
  }

  private Map<String, Figures> publishes(Vertx vertx, NodeJvm node) throws Exception {
    Map<String, KeyPair> variants = new LinkedHashMap<>();
    variants.put("unsigned", null);
    variants.put("signed Ed25519", ed25519);
    variants.put("signed ECDSA P-256", p256);
    return measure(variants.keySet(), (variant, r) -> {
      KeyPair signer = variants.get(variant);
      String channel = "bench.publish." + variant.replaceAll("[^A-Za-z0-9]+", "-") + "." + r;
      String kid = signer == ed25519 ? BenchNode.ED25519_KID : BenchNode.P256_KID;
      List<String> frames = new ArrayList<>(options.publishes());
      long ts = System.currentTimeMillis();
      for (int i = 0; i < options.publishes(); i++) {
        String data = "{\"n\":" + i + "}";
        String frame = "{\"op\":\"publish\",\"id\":" + i + ",\"channel\":\"" + channel + "\",\"data\":" + data;
        frames.add(signer == null ? frame + "}" : frame + ",\"ts\":" + ts + ",\"kid\":\"" + kid + "\",\"sig\":\""
            + MessageSignatures.sign(signer.getPrivate(), channel, data, ts) + "\"}");
      }
      return new PublishRound(vertx, node.edgePort(), node.ingestPort()).run(channel, frames, options.window(),
          node.pid());
    });
  }

  interface Measurement {
    Figures round(String variant, int round) throws Exception;
  }

  /** Round 0 warms every variant up and is dropped; rounds 1.. are measured, the variants' order rotating. */
  private Map<String, Figures> measure(Set<String> variants, Measurement measurement) throws Exception {
    List<String> order = new ArrayList<>(variants);
    Figures.ByVariant measured = new Figures.ByVariant(variants);
    for (int r = 0; r <= options.rounds(); r++) {
      for (String variant : order) {
        Figures figures = measurement.round(variant, r);
        System.err.printf(Locale.ROOT, "%s round %d: %.0f/s p50 %d µs p99 %d µs, %.1f µs CPU each%n", variant, r,
            figures.perSecond(), figures.p50Micros(), figures.p99Micros(), figures.cpuMicrosPerOp());
        if (r > 0) {
          measured.add(variant, figures);
        }
      }
      order.add(order.remove(0));
    }
    return measured.medians();
  }

  /** The medians, and each variant's rate and CPU against the first (the one without identity). */
  private String table(String what, String rate, String cpu, Map<String, Figures> medians) {
    String first = medians.keySet().iterator().next();
    Figures base = medians.get(first);
    MarkdownTable table = new MarkdownTable(List.of(what, rate, "p50 ms", "p99 ms", cpu, "rate vs " + first,
        "CPU vs " + first), 7);
    medians.forEach((variant, f) -> table.row(List.of(variant, Format.count(f.perSecond()),
        String.format(Locale.ROOT, "%.2f", f.p50Micros() / 1000.0), String.format(Locale.ROOT, "%.2f", f.p99Micros() / 1000.0),
        String.format(Locale.ROOT, "%.0f", f.cpuMicrosPerOp()),
        String.format(Locale.ROOT, "%.2f", f.perSecond() / base.perSecond()),
        String.format(Locale.ROOT, "%.2f", f.cpuMicrosPerOp() / base.cpuMicrosPerOp()))));
    return table.render();
  }

  /** The node's configuration: everything but the ports, which {@link BenchNode} chooses. */
  private BenchNode.Identity config(MockOidcProvider provider) {
    return new BenchNode.Identity(provider.issuer(ISSUER), Keys.hash(apiKey), Keys.spki(ed25519), Keys.spki(p256));
  }

  static Options parse(String[] args) {
    Map<String, String> values = new LinkedHashMap<>(Map.of("--jar", "target/last-mile.jar", "--server-cpus", "0",
        "--connections", "2000", "--in-flight", "64", "--sources", "16", "--publishes", "20000", "--window", "64",
        "--rounds", "3", "--work", "target/bench/identity"));
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("option " + args[args.length - 1] + " needs a value");
    }
    for (int i = 0; i < args.length; i += 2) {
      if (!values.containsKey(args[i])) {
        throw new IllegalArgumentException("unknown option " + args[i] + "; options: " + values.keySet());
      }
      values.put(args[i], args[i + 1]);
    }
    return new Options(values.get("--jar"), values.get("--server-cpus"),
        positive(values, "--connections"), positive(values, "--in-flight"), bounded(values, "--sources", 1, 254),
        positive(values, "--publishes"), positive(values, "--window"), positive(values, "--rounds"),
        values.get("--work"));
  }

  private static int positive(Map<String, String> values, String option) {
    return bounded(values, option, 1, 10_000_000);
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
    throw new IllegalArgumentException(option + " needs an integer from " + min + " to " + max + ", got '" + value + "'");
  }
}
