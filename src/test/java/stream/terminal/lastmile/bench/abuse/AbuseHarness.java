package stream.terminal.lastmile.bench.abuse;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetClient;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import stream.terminal.lastmile.bench.WsConnection;

/**
 * Attacks one node, one attack after another, while a well-behaved subscriber ({@link SteadyStream}) measures
 * what the attacks cost everyone else. Before and during each attack it prints the node's RSS, open files, CPU,
 * refusal and disconnect counters and the subscriber's latency and loss; at the end, a markdown table
 * ({@link AbuseTable}) written to {@code OUT/results.md}, one JSON line per attack to {@code OUT/results.jsonl}.
 * Run by {@code scripts/abuse}; docs/security.md explains the attacks and the columns.
 */
public final class AbuseHarness {
  static final String USAGE = """
      AbuseHarness --edge-port P --ingest-port Q [--host 127.0.0.x] [--pid PID] [--quick] [--seed N] [--out DIR]
          [--no-warm-up] [ATTACK ...]   attacks: %s (default: all, in that order)""".formatted(String.join(" ", attackNames()));
  /** How long the steady subscriber's in-flight messages may take to arrive before they count as lost. */
  private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Vertx vertx;
  private final Target target;
  private final Sizes sizes;
  private final PrintStream log;

  AbuseHarness(Vertx vertx, Target target, Sizes sizes, PrintStream log) {
    this.vertx = vertx;
    this.target = target;
    this.sizes = sizes;
    this.log = log;
  }

  /** Every attack, in the order they run: the one most likely to take the node down last. */
  static Map<String, Supplier<Attack>> attacks(long seed) {
    Map<String, Supplier<Attack>> attacks = new LinkedHashMap<>();
    attacks.put("ping-flood", PingFlood::new);
    attacks.put("slowloris", Slowloris::new);
    attacks.put("connection-flood", ConnectionFlood::new);
    attacks.put("oversized", OversizedFrames::new);
    attacks.put("empty-continuations", EmptyContinuations::new);
    attacks.put("fuzzer", () -> new Fuzzer(seed, Fuzzer.Surface.PUBLIC));
    attacks.put("api-fuzzer", () -> new Fuzzer(seed, Fuzzer.Surface.INGEST));
    attacks.put("history", HistoryAmplification::new);
    return attacks;
  }

  private static List<String> attackNames() {
    return List.copyOf(attacks(0).keySet());
  }

  public static void main(String[] args) throws Exception {
    String host = "127.0.0.1";
    int edgePort = -1;
    int ingestPort = -1;
    OptionalLong pid = OptionalLong.empty();
    Sizes sizes = Sizes.DEFAULT;
    long seed = 1;
    Path out = Path.of("target/abuse");
    List<String> chosen = new ArrayList<>();
    boolean warmUp = true;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--quick" -> sizes = Sizes.QUICK;
          case "--host" -> host = args[++i];
          case "--edge-port" -> edgePort = Integer.parseInt(args[++i]);
          case "--ingest-port" -> ingestPort = Integer.parseInt(args[++i]);
          case "--pid" -> pid = OptionalLong.of(Long.parseLong(args[++i]));
          case "--seed" -> seed = Long.parseLong(args[++i]);
          case "--out" -> out = Path.of(args[++i]);
          case "--no-warm-up" -> warmUp = false;
          default -> {
            if (args[i].startsWith("-") || !attackNames().contains(args[i])) {
              throw new IllegalArgumentException("unknown option or attack " + args[i]);
            }
            chosen.add(args[i]);
          }
        }
      }
      if (edgePort <= 0 || ingestPort <= 0) {
        throw new IllegalArgumentException("--edge-port and --ingest-port are required");
      }
    } catch (RuntimeException e) {
      System.err.println(e.getMessage() + "\n" + USAGE);
      System.exit(2);
      return;
    }
    Map<String, Supplier<Attack>> all = attacks(seed);
    List<Attack> attacks = (chosen.isEmpty() ? List.copyOf(all.keySet()) : chosen).stream()
        .map(name -> all.get(name).get()).toList();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    int status = 0;
    try {
      List<AttackReport> reports = new AbuseHarness(vertx, new Target(host, edgePort, ingestPort, pid), sizes, System.err)
          .run(attacks, warmUp);
      String table = AbuseTable.render(reports);
      System.out.print(table);
      Files.createDirectories(out);
      Files.writeString(out.resolve("results.md"), table, StandardCharsets.UTF_8);
      StringBuilder lines = new StringBuilder();
      reports.forEach(r -> lines.append(r.toJson().encode()).append('\n'));
      Files.writeString(out.resolve("results.jsonl"), lines, StandardCharsets.UTF_8);
    } catch (Exception e) {
      System.err.println("abuse harness failed: " + e);
      status = 1;
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    System.exit(status);
  }

  /**
   * Runs the attacks one after another; blocks, so call it off the event loops. With {@code warmUp}, each runs
   * once first at the smoke test's sizes, unmeasured: a fresh node compiles each attack's code paths the first
   * time it sees them, on the same core as everything else, and the figures are meant to show a warm node
   * (issue 13 is about the first seconds of a node).
   */
  List<AttackReport> run(List<Attack> attacks, boolean warmUp) throws Exception {
    SteadyStream stream = new SteadyStream(target, sizes.publishRate());
    // its own event loop: the attackers' callbacks never queue ahead of the subscriber's on the harness side,
    // so what it measures is the node (the two still share the harness's core)
    Vertx streamVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    streamVertx.deployVerticle(stream).await(30, TimeUnit.SECONDS);
    List<AttackReport> reports = new ArrayList<>();
    try (NodeProbe probe = new NodeProbe(vertx, target)) {
      if (warmUp) {
        for (Attack attack : attacks) {
          warmUp(attack);
        }
      }
      for (Attack attack : attacks) {
        if (!probe.alive()) {
          log.printf("== %s: skipped, the node is down%n", attack.name());
          continue;
        }
        reports.add(attack(attack, stream, probe));
      }
    } finally {
      streamVertx.close().await(30, TimeUnit.SECONDS);
    }
    return reports;
  }

  private void warmUp(Attack attack) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(attack.seconds(Sizes.TINY));
    Attack.Outcome outcome = onContext(() -> attack.prepare(vertx, target, Sizes.TINY)
            .compose(v -> attack.run(vertx, target, Sizes.TINY, deadline)))
        .await(attack.seconds(Sizes.TINY) + 60L, TimeUnit.SECONDS);
    log.printf("== warm-up, %s: %s%n", attack.name(), outcome.summary());
  }

  private AttackReport attack(Attack attack, SteadyStream stream, NodeProbe probe) throws Exception {
    log.printf("== %s%n", attack.name());
    onContext(() -> attack.prepare(vertx, target, sizes)).await(attack.seconds(sizes) + 60L, TimeUnit.SECONDS);
    stream.subscribe().await(30, TimeUnit.SECONDS);
    NodeProbe.Sample quietStart = probe.sample();
    stream.startPhase();
    vertx.timer(sizes.quietSeconds() * 1000L).await();
    Histogram quiet = stream.latency();
    stream.endPhase();
    NodeProbe.Sample before = probe.sample();
    double cpuQuiet = before.cpuPercentSince(quietStart);
    Map<String, Double> countersBefore = probe.counters();
    log.printf("   before: %s; subscriber p50 %s, p99 %s, not yet received %d%n", describe(before, cpuQuiet),
        AbuseTable.ms(quiet.getValueAtPercentile(50)), AbuseTable.ms(quiet.getValueAtPercentile(99)), stream.missing());

    stream.startPhase();
    Peaks peaks = new Peaks(before);
    long sampler = vertx.setPeriodic(1000, id -> {
      NodeProbe.Sample now = probe.sample();
      Histogram so = stream.latency();
      log.printf("   during: %s; subscriber p50 %s, p99 %s, not yet received %d%n",
          describe(now, now.cpuPercentSince(peaks.last)), AbuseTable.ms(so.getValueAtPercentile(50)),
          AbuseTable.ms(so.getValueAtPercentile(99)), stream.missing());
      peaks.add(now);
    });
    Attack.Outcome outcome;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(attack.seconds(sizes));
    try {
      outcome = onContext(() -> attack.run(vertx, target, sizes, deadline))
          .await(attack.seconds(sizes) + 60L, TimeUnit.SECONDS);
    } catch (Exception e) {
      outcome = new Attack.Outcome(0, "harness error: " + e);
    } finally {
      vertx.cancelTimer(sampler);
    }
    NodeProbe.Sample end = probe.sample();
    peaks.add(end);
    Histogram during = stream.latency();
    stream.endPhase();
    long drainUntil = System.nanoTime() + DRAIN_NANOS;
    while (stream.missing() > 0 && System.nanoTime() < drainUntil) {
      vertx.timer(50).await();
    }
    Map<String, Double> countersAfter = probe.counters();
    String refusals = NodeProbe.grown(countersBefore, countersAfter, false);
    String errors = NodeProbe.grown(countersBefore, countersAfter, true);
    String newSubscriber = probe.alive() ? newSubscriber() : "node down";
    AttackReport report = new AttackReport(attack.name(), outcome.sent(), outcome.summary(),
        before.rssKib(), peaks.rss, before.fds(), peaks.fds, cpuQuiet, end.cpuPercentSince(before), refusals, errors,
        quiet.getValueAtPercentile(50), quiet.getValueAtPercentile(99), during.getValueAtPercentile(50),
        during.getValueAtPercentile(99), stream.missing(), stream.lostConnection(), newSubscriber, probe.alive());
    log.printf("   during (whole attack): RSS peak %s, fds peak %s, CPU %s; refusals and disconnects: %s; "
            + "error replies and other counters: %s; subscriber p50 %s, p99 %s, lost %d%s; new subscriber: %s%n"
            + "   %s%n",
        AbuseTable.mib(peaks.rss), AbuseTable.count(peaks.fds), AbuseTable.percent(report.cpuDuringPct()), refusals,
        errors, AbuseTable.ms(report.p50DuringUs()), AbuseTable.ms(report.p99DuringUs()), report.lost(),
        (report.lost() == 0 ? "" : " (offsets " + stream.missingOffsets() + ")")
            + (report.subscriberDropped() == null ? "" : " (dropped: " + report.subscriberDropped() + ")"), newSubscriber,
        outcome.summary());
    stream.settle();
    return report;
  }

  /** Whether someone else can still subscribe: a new WebSocket from another address, within 10 s. */
  private String newSubscriber() {
    try {
      return onContext(() -> {
        NetClient client = Bounded.client(vertx, "127.0.0.3");
        Watch watch = new Watch();
        return WsConnection.open(client, target.host(), target.edgePort(), "/",
                List.of("{\"op\":\"subscribe\",\"channel\":\"" + SteadyStream.CHANNEL + "\",\"id\":1}"), watch)
            .compose(WsConnection::close)
            .eventually(client::close)
            .map("yes");
      }).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return "no: " + e.getMessage();
    }
  }

  /** Starts {@code work} on a fresh context of the harness's Vert.x: the attack's sockets all live there. */
  private <T> Future<T> onContext(Supplier<Future<T>> work) {
    Context context = vertx.getOrCreateContext();
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(result));
    return result.future();
  }

  private static String describe(NodeProbe.Sample sample, double cpuPercent) {
    return String.format(Locale.ROOT, "RSS %s, %s open files, CPU %s", AbuseTable.mib(sample.rssKib()),
        AbuseTable.count(sample.fds()), AbuseTable.percent(cpuPercent));
  }

  /** Highest RSS and open files seen; the last sample, for the CPU between samples. */
  private static final class Peaks {
    volatile long rss;
    volatile long fds;
    volatile NodeProbe.Sample last;

    Peaks(NodeProbe.Sample first) {
      rss = first.rssKib();
      fds = first.fds();
      last = first;
    }

    void add(NodeProbe.Sample sample) {
      rss = Math.max(rss, sample.rssKib());
      fds = Math.max(fds, sample.fds());
      last = sample;
    }
  }
}
