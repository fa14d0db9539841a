package stream.terminal.lastmile.listener;

import com.hazelcast.core.HazelcastInstance;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Whether a node should receive clients: started and not stopping, and, in a cluster, holding every backup of
 * its partitions in sync. The last part matters for rolling restarts: a node that answers ready can be followed by
 * the next restart without losing a channel's only up-to-date backlog copy.
 */
public final class Readiness implements BooleanSupplier {
  private final AtomicBoolean started = new AtomicBoolean();
  private final HazelcastInstance hazelcast;

  /** @param hazelcast the cluster member, or null for the embedded node */
  public Readiness(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  public void started(boolean value) {
    started.set(value);
  }

  @Override
  public boolean getAsBoolean() {
    return started.get() && (hazelcast == null || hazelcast.getPartitionService().isLocalMemberSafe());
  }
}
