package stream.terminal.lastmile.bench.chaos;

import java.time.Duration;

/**
 * How long a run's phases last. The split is held {@code splitHold} after both sides have noticed it (Hazelcast
 * removed the other side's members), so every run has the same time in a split however slow the machine is.
 *
 * @param heartbeatSeconds {@code hazelcast.max.no.heartbeat.seconds}: a silent member is removed after this
 * @param mergeDelaySeconds {@code hazelcast.merge.first.run.delay.seconds} and {@code next.run}: how soon split
 *     clusters look for each other
 * @param loadBefore publishing before the fault
 * @param splitHold time in a noticed split, both sides publishing
 * @param loadAfter publishing after the merge, before new publishes stop
 */
public record Timings(int heartbeatSeconds, int mergeDelaySeconds, Duration loadBefore, Duration splitHold,
    Duration loadAfter) {
  /** The script's runs: well under two minutes each. */
  public static final Timings SCRIPT = new Timings(6, 5, Duration.ofSeconds(3), Duration.ofSeconds(12), Duration.ofSeconds(3));
  /** The integration test's: a few seconds of load on each side. */
  public static final Timings SHORT = new Timings(5, 5, Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(1));
}
