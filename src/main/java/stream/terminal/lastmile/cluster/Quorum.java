package stream.terminal.lastmile.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;

/**
 * Hazelcast's split-brain protection for last-mile's data: a write to the channel map, a backlog ringbuffer or the
 * idempotency map runs only on a member that has heard from {@code cluster.min_members} members (itself included)
 * within {@link #TOLERANCE_MS}. Of two sides of a split at most one has that many, so only one side
 * acknowledges. "Recently active" rather than the member list: a member cut off keeps the others in its list
 * until {@code hazelcast.max.no.heartbeat.seconds} (60 s by default) pass, but stops hearing their heartbeats at
 * once, so it loses its quorum within {@link #TOLERANCE_MS} plus one heartbeat (docs/operations.md, "Consistency").
 */
public final class Quorum {
  /** The protection's name, referenced from every protected structure. */
  public static final String NAME = "lastmile.quorum";
  /** The idempotency keys' map (channel/Publisher's claims): protected like the channels. */
  static final String IDEMPOTENCY_MAP = "lastmile.idempotency";
  /**
   * How long a member counts without a heartbeat: two heartbeats of {@link #HEARTBEAT_SECONDS} may be late (a GC
   * pause, a loaded machine) before a member that is fine loses its quorum and turns its clients away.
   */
  static final long TOLERANCE_MS = 2500;
  /** Hazelcast's heartbeat (5 s by default), and how often the protection is re-evaluated. */
  static final int HEARTBEAT_SECONDS = 1;

  private Quorum() {}

  /**
   * Protects the structures when a quorum of more than one is asked for. A quorum of one always holds, and
   * Hazelcast's protection refuses writes until its first evaluation, half a second after the member starts:
   * a single node would turn its first publishes away for nothing.
   */
  static void configure(Config config, int minMembers) {
    if (config.getProperty("hazelcast.heartbeat.interval.seconds") == null) {
      config.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(HEARTBEAT_SECONDS));
    }
    if (minMembers <= 1) {
      return;
    }
    config.addSplitBrainProtectionConfig(SplitBrainProtectionConfig
        .newRecentlyActiveSplitBrainProtectionConfigBuilder(NAME, minMembers, (int) TOLERANCE_MS)
        .build()
        // writes: a member without its quorum (or merging) refuses reads itself (HazelcastChannelRegistry)
        .setProtectOn(SplitBrainProtectionOn.WRITE));
    config.getMapConfig(HazelcastChannelRegistry.MAP).setSplitBrainProtectionName(NAME);
    config.getMapConfig(IDEMPOTENCY_MAP).setSplitBrainProtectionName(NAME);
  }

  /** {@link #NAME} when the member's configuration protects its structures, else null (a quorum of one). */
  static String nameIn(Config config) {
    return config.getSplitBrainProtectionConfigs().containsKey(NAME) ? NAME : null;
  }
}
