package stream.terminal.lastmile.bench;

import java.util.Locale;

/**
 * The named benchmark scenarios with their default sizes: small ones (seconds, a few hundred connections) for
 * the CI smoke test and quick checks, big ones for published figures. Every figure can be overridden by a flag.
 */
enum Scenario {
  /** One channel, many subscribers, a fixed publish rate: latency and CPU per delivery at a rate both sustain. */
  FANOUT(new Size(200, 1, 20, 0, 2, 3), new Size(10_000, 1, 3, 0, 10, 20)),
  /** Fewer subscribers, publishing as fast as messages are delivered: the most deliveries per second. */
  THROUGHPUT(new Size(100, 1, 0, 0, 2, 3), new Size(1_000, 1, 0, 0, 10, 20)),
  /** Every subscriber on its own channel, plus one channel they all share. */
  MANY_CHANNELS(new Size(200, 200, 200, 2, 2, 3), new Size(10_000, 10_000, 1_000, 2, 10, 20)),
  /** Subscribed connections that receive nothing: memory per connection. */
  IDLE(new Size(200, 1, 0, 0, 0, 2), new Size(18_000, 1, 0, 0, 0, 10)),
  /** FANOUT through a cluster: publish on an ingest node, subscribers spread over edge nodes. */
  CLUSTER(new Size(200, 1, 20, 0, 2, 3), new Size(10_000, 1, 3, 0, 10, 20)),
  /**
   * FANOUT on a server that has served nothing yet: no warm-up, the window opens at the first publish, so a JIT's
   * first seconds count (scripts/bench starts a fresh server per run).
   */
  FRESH(new Size(100, 1, 20, 0, 0, 3), new Size(1_000, 1, 50, 0, 0, 20));

  /**
   * @param rate publishes per second spread over the channels; 0 = as fast as they are delivered
   * @param sharedRate publishes per second to the channel every subscriber shares; 0 = no shared channel
   */
  record Size(int subscribers, int channels, int rate, int sharedRate, int warmupSeconds, int durationSeconds) {}

  private final Size small;
  private final Size big;

  Scenario(Size small, Size big) {
    this.small = small;
    this.big = big;
  }

  Size size(boolean bigRun) {
    return bigRun ? big : small;
  }

  String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static Scenario of(String label) {
    for (Scenario scenario : values()) {
      if (scenario.label().equals(label)) {
        return scenario;
      }
    }
    throw new IllegalArgumentException("unknown scenario " + label + " (fanout, throughput, many-channels, idle, cluster, fresh)");
  }
}
