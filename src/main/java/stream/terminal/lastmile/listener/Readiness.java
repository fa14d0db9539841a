package stream.terminal.lastmile.listener;

import com.hazelcast.core.HazelcastInstance;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Whether a node should receive clients: started and not stopping, and, in a cluster, holding every backup of
 * its partitions in sync and able to acknowledge (its quorum, not merging: cluster/ClusterView). The backups
 * matter for rolling restarts: a node that answers ready can be followed by the next restart without losing a
 * channel's only up-to-date backlog copy. The quorum keeps clients away from a node cut off from the majority.
 */
public final class Readiness implements BooleanSupplier {
  private final AtomicBoolean started = new AtomicBoolean();
  private final HazelcastInstance hazelcast;
  private final BooleanSupplier serving;

  /** The embedded node's: started is all it takes. */
  public Readiness() {
    this(null, () -> true);
  }

  /**
   * @param hazelcast the cluster member
   * @param serving whether the member may acknowledge now
   */
  public Readiness(HazelcastInstance hazelcast, BooleanSupplier serving) {
    this.hazelcast = hazelcast;
    this.serving = serving;
  }

  public void started(boolean value) {
    started.set(value);
  }

  @Override
  public boolean getAsBoolean() {
    return started.get() && serving.getAsBoolean()
        && (hazelcast == null || hazelcast.getPartitionService().isLocalMemberSafe());
  }
}
