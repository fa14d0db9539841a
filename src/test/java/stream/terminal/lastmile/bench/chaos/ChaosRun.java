package stream.terminal.lastmile.bench.chaos;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import stream.terminal.lastmile.support.Http;

/**
 * One run of one scenario: starts the nodes, creates the channel, starts subscribers and publishers, injects the
 * fault, heals, waits for the merge, lets the publishers settle, reads every node's history and checks it
 * against what publishers and subscribers were told. Everything it started or added is stopped or removed at
 * the end, whatever happened.
 */
public final class ChaosRun {
  /** How long a message in doubt is retried after new publishes stop. */
  private static final Duration SETTLE = Duration.ofSeconds(20);
  /** The bound on a merge: beyond it the run reports -1 and checks what the nodes serve then. */
  private static final Duration MERGE_BOUND = Duration.ofSeconds(60);
  /** How long after the histories agree a subscriber may still be catching up. */
  private static final Duration CATCH_UP = Duration.ofSeconds(15);

  private final Scenario scenario;
  private final Timings timings;
  private final Consumer<String> log;
  private FaultNetwork network;
  private ChaosCluster cluster;
  private final List<String> notes = new ArrayList<>();

  public ChaosRun(Scenario scenario, Timings timings, Consumer<String> log) {
    this.scenario = scenario;
    this.timings = timings;
    this.log = log;
  }

  /** Why the harness cannot run on this machine, or null. */
  public static String unavailable() {
    return FaultNetwork.unavailable();
  }

  /**
   * @param dir where the nodes' configuration files go
   * @param clusterOptions more entries of every node's cluster section, each with its leading comma
   */
  public RunFigures run(Path dir, String clusterOptions) throws Exception {
    Vertx vertx = Vertx.vertx();
    Map<Node, Subscriber> subscribers = new LinkedHashMap<>();
    List<Publisher> publishers = new ArrayList<>();
    try (FaultNetwork net = new FaultNetwork()) {
      network = net;
      log.accept(scenario.label() + ": starting " + scenario.roles().size() + " nodes");
      cluster = new ChaosCluster(dir, net, scenario.roles(), timings, clusterOptions);
      String channel = "chaos." + scenario.label() + "." + System.currentTimeMillis();
      Node first = cluster.members().get(0);
      Http.Reply created = Http.put(cluster.ingestPort(first), "/channels/" + channel);
      if (created.status() != 201) {
        throw new IllegalStateException("create " + channel + ": " + created.status() + " " + created.body());
      }
      Node target = scenario.target(cluster, channel);
      Ledger ledger = new Ledger();
      Views views = new Views();
      for (Node node : cluster.members()) {
        if (node.edge()) {
          subscribers.put(node, new Subscriber(vertx, cluster.edgePort(node), channel, views));
        }
      }
      subscribers.values().forEach(Subscriber::start);
      Node other = cluster.others(target).stream().filter(Node::ingest).findFirst().orElseThrow();
      for (Node node : List.of(target, other)) {
        publishers.add(new Publisher(node.name(), cluster.ingestPort(node), channel, ledger));
      }
      publishers.forEach(Publisher::start);
      hold(timings.loadBefore());
      log.accept(scenario.label() + ": fault aimed at " + target.name() + " (" + target.address() + ")");
      scenario.fault(this, target);
      heal();
      long healed = System.nanoTime();
      double mergeSeconds = awaitMerge(healed);
      log.accept(scenario.label() + ": merged " + (mergeSeconds < 0 ? "never (bound " + MERGE_BOUND + ")" : "after "
          + String.format("%.1f s", mergeSeconds)));
      hold(timings.loadAfter());
      publishers.forEach(p -> p.stop(SETTLE));
      for (Publisher publisher : publishers) {
        publisher.await();
      }
      Map<String, History> histories = awaitOneHistory(channel);
      int behind = awaitSubscribers(subscribers, RunFigures.reference(histories));
      subscribers.values().forEach(Subscriber::stop);
      subscribers.forEach((node, subscriber) -> notes.add("subscriber on " + node.name() + ": " + subscriber.summary()));
      notes.add("logs " + cluster.logs());
      return RunFigures.check(scenario.label(), ledger, views, histories, behind, mergeSeconds,
          String.join("; ", notes));
    } finally {
      publishers.forEach(p -> p.stop(Duration.ZERO));
      subscribers.values().forEach(Subscriber::stop);
      if (cluster != null) {
        cluster.close();
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  Timings timings() {
    return timings;
  }

  ChaosCluster cluster() {
    return cluster;
  }

  void isolate(Node node) throws Exception {
    network.cut(List.of(node), cluster.others(node));
  }

  void heal() throws Exception {
    network.heal();
  }

  void kill(Node node) {
    log.accept(scenario.label() + ": SIGKILL " + node.name());
    cluster.kill(node);
  }

  /** Waits until both sides of a cut have removed the other side's members (bounded: the heartbeat plus 60 s). */
  void awaitSplit(Node isolated) {
    List<Node> rest = cluster.alive().stream().filter(n -> !n.equals(isolated)).toList();
    cluster.awaitMembers(List.of(isolated), 1, Duration.ofSeconds(timings.heartbeatSeconds() + 60L));
    cluster.awaitMembers(rest, rest.size(), Duration.ofSeconds(timings.heartbeatSeconds() + 60L));
    log.accept(scenario.label() + ": split seen on both sides");
  }

  /**
   * Keeps the current state (a cut, a heal, publishing) for a while: the duration is the scenario's parameter,
   * not a wait for something to happen.
   */
  void hold(Duration duration) throws InterruptedException {
    Thread.sleep(duration.toMillis());
  }

  /** Seconds from the heal until every node alive lists all of them and answers /ready; -1 past the bound. */
  private double awaitMerge(long healed) {
    List<Node> alive = cluster.alive();
    Duration left = MERGE_BOUND.minusNanos(System.nanoTime() - healed);
    try {
      // polling the nodes' logs and /ready
      poll(left, Duration.ofMillis(200))
          .until(() -> alive.stream().allMatch(n -> cluster.lastMembers(n) == alive.size()) && cluster.ready(alive));
      return (System.nanoTime() - healed) / 1e9;
    } catch (ConditionTimeoutException notMerged) {
      return -1;
    }
  }

  /**
   * Every alive node's history, read until they agree (a node still catching up after the merge) or 20 s pass;
   * a node that cannot serve it counts as divergent.
   */
  private Map<String, History> awaitOneHistory(String channel) {
    AtomicReference<Map<String, History>> last = new AtomicReference<>();
    try {
      poll(Duration.ofSeconds(20), Duration.ofMillis(500)).until(() -> {
        last.set(histories(channel));
        return last.get().values().stream().distinct().count() <= 1;
      });
    } catch (ConditionTimeoutException diverged) {
      // what they served last is the finding
    }
    Map<String, History> histories = last.get();
    histories.forEach((name, h) -> notes.add(name + " serves " + h.entries().size() + " messages, epoch " + h.epoch()));
    return histories;
  }

  private Map<String, History> histories(String channel) {
    Map<String, History> histories = new LinkedHashMap<>();
    for (Node node : cluster.alive()) {
      if (node.ingest()) {
        histories.put(node.name(), readQuietly(node, channel));
      }
    }
    return histories;
  }

  /**
   * Waits (at most {@link #CATCH_UP}) until every subscriber on a living node has been shown the history's last
   * message, and returns how many have not: docs/operations.md promises delivery within a second.
   */
  private int awaitSubscribers(Map<Node, Subscriber> subscribers, History reference) {
    if (reference.entries().isEmpty()) {
      return 0;
    }
    long last = reference.entries().get(reference.entries().size() - 1).offset();
    List<Node> alive = cluster.alive();
    try {
      return poll(CATCH_UP, Duration.ofMillis(200))
          .until(() -> behind(subscribers, alive, reference, last), n -> n == 0);
    } catch (ConditionTimeoutException someBehind) {
      return behind(subscribers, alive, reference, last);
    }
  }

  private static int behind(Map<Node, Subscriber> subscribers, List<Node> alive, History reference, long last) {
    return (int) subscribers.entrySet().stream()
        .filter(s -> alive.contains(s.getKey()) && !s.getValue().reached(reference.epoch(), last)).count();
  }

  /** A bounded poll whose timeout is a finding, not an error. */
  private static ConditionFactory poll(Duration atMost, Duration every) {
    return Awaitility.await().atMost(atMost.isNegative() || atMost.isZero() ? Duration.ofMillis(1) : atMost)
        .pollInterval(every);
  }

  private History readQuietly(Node node, String channel) {
    try {
      return History.read(cluster.ingestPort(node), channel);
    } catch (Exception e) {
      return new History("unreadable: " + e.getMessage(), List.of());
    }
  }
}
