package stream.terminal.lastmile.bench.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The partition harness's scenarios (issue 20, item 7). Each names its nodes' roles, the node the fault is aimed
 * at, and the fault itself, which always ends with the network healed. Publishers run on the target and on one
 * other ingest node, subscribers on every edge node.
 */
public enum Scenario {
  /** One node of three cut off from the other two, then healed. */
  ONE_OF_THREE(threeNodes()) {
    @Override
    void fault(ChaosRun run, Node target) throws Exception {
      run.isolate(target);
      run.awaitSplit(target);
      run.hold(run.timings().splitHold());
    }
  },
  /** The node that owns the partition of the channel's backlog cut off: the side that numbers publishes loses it. */
  OWNER(threeNodes()) {
    @Override
    Node target(ChaosCluster cluster, String channel) {
      return cluster.backlogOwner(channel);
    }

    @Override
    void fault(ChaosRun run, Node target) throws Exception {
      ONE_OF_THREE.fault(run, target);
    }
  },
  /**
   * A link that fails and comes back four times, each cut a little longer than Hazelcast's heartbeat timeout and
   * each heal shorter than its merge delay: members are removed, suspected and found again while publishes go on.
   */
  FLAPPING(threeNodes()) {
    @Override
    void fault(ChaosRun run, Node target) throws Exception {
      for (int i = 0; i < 4; i++) {
        run.isolate(target);
        run.hold(Duration.ofSeconds(run.timings().heartbeatSeconds() + 1));
        run.heal();
        run.hold(Duration.ofSeconds(run.timings().mergeDelaySeconds() - 2));
      }
    }
  },
  /** An ingest-only fourth node (publishers, no subscribers) cut off from three ingest and edge nodes. */
  INGEST_ONLY(List.of("ingest,edge", "ingest,edge", "ingest,edge", "ingest")) {
    @Override
    Node target(ChaosCluster cluster, String channel) {
      return cluster.node("n4");
    }

    @Override
    void fault(ChaosRun run, Node target) throws Exception {
      ONE_OF_THREE.fault(run, target);
    }
  },
  /**
   * A split (n3 alone), then a SIGKILL of n2 on the other side, whose copies of the backlog go with it; healed
   * with n1 and n3 left.
   */
  KILL_IN_SPLIT(threeNodes()) {
    @Override
    void fault(ChaosRun run, Node target) throws Exception {
      run.isolate(target);
      run.awaitSplit(target);
      run.hold(run.timings().splitHold().dividedBy(2));
      run.kill(run.cluster().node("n2"));
      run.hold(run.timings().splitHold().dividedBy(2));
    }
  };

  private final List<String> roles;

  Scenario(List<String> roles) {
    this.roles = roles;
  }

  private static List<String> threeNodes() {
    return List.of("ingest,edge", "ingest,edge", "ingest,edge");
  }

  List<String> roles() {
    return roles;
  }

  /** The node the fault is aimed at; by default the last ingest and edge node, n3. */
  Node target(ChaosCluster cluster, String channel) {
    return cluster.node("n3");
  }

  /** Injects the fault; returns with the network healed or about to be (the run heals after it). */
  abstract void fault(ChaosRun run, Node target) throws Exception;

  /** The name on the command line and in the table: one-of-three, owner, flapping, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Scenario of(String label) {
    for (Scenario scenario : values()) {
      if (scenario.label().equals(label)) {
        return scenario;
      }
    }
    throw new IllegalArgumentException("unknown scenario " + label + "; known: "
        + String.join(", ", java.util.Arrays.stream(values()).map(Scenario::label).toList()));
  }
}
