package stream.terminal.lastmile.bench.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import stream.terminal.lastmile.support.TestGateway;

/**
 * The abuse harness's smoke test, as CI runs it: every attack at a tiny size against a real node on its default
 * limits, through real sockets. Only that the harness works is asserted (the node still serves, the steady
 * subscriber lost nothing, the fuzzer sent its count), never how well the node defends itself: the harness must
 * run against every version of the node.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbuseHarnessTest {
  private TestGateway gateway;
  private Vertx harness;

  @BeforeEach
  void start() throws Exception {
    gateway = new TestGateway().start();
    harness = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    harness.close().await(30, TimeUnit.SECONDS);
    gateway.close();
  }

  @Test
  void everyAttackRunsAndTheNodeStillServesAfterEach() throws Exception {
    Target target = new Target("127.0.0.1", gateway.edgePort(), gateway.ingestPort(),
        OptionalLong.of(ProcessHandle.current().pid()));
    Map<String, Supplier<Attack>> all = AbuseHarness.attacks(7);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<AttackReport> reports = new AbuseHarness(harness, target, Sizes.TINY,
        new PrintStream(log, true, StandardCharsets.UTF_8))
        .run(all.values().stream().map(Supplier::get).toList(), true);

    String printed = log.toString(StandardCharsets.UTF_8);
    assertEquals(all.size(), reports.size(), printed);
    for (AttackReport report : reports) {
      String what = report.attack() + ": " + report.toJson().encode() + "\n" + printed;
      assertTrue(report.nodeAlive(), what);
      assertEquals("yes", report.newSubscriber(), what);
      assertEquals(0, report.lost(), what);
      assertTrue(report.sent() > 0, what);
      assertTrue(report.rssBeforeKib() > 0 && report.rssPeakKib() >= report.rssBeforeKib(), what);
      assertTrue(report.fdsBefore() > 0, what);
      assertTrue(report.p99QuietUs() > 0, what);
      assertTrue(!report.refusals().equals("n/a"), "metrics not scraped: " + what);
    }
    AttackReport fuzzer = reports.stream().filter(r -> r.attack().equals("fuzzer")).findFirst().orElseThrow();
    assertTrue(fuzzer.sent() >= Sizes.TINY.fuzzFrames() + Sizes.TINY.fuzzRequests() / 2, fuzzer.toJson().encode());
    AttackReport api = reports.stream().filter(r -> r.attack().equals("API fuzzer")).findFirst().orElseThrow();
    assertTrue(api.sent() >= Sizes.TINY.fuzzRequests(), api.toJson().encode());
    assertTrue(printed.contains("== warm-up, history amplification:"), printed);
    String table = AbuseTable.render(reports);
    assertTrue(table.startsWith("| attack"), table);
    assertEquals(reports.size() + 2, table.lines().count(), table);
    assertTrue(printed.contains("before: RSS"), printed);
  }
}
