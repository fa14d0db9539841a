package stream.terminal.lastmile.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * Whether this member may acknowledge: it has its quorum ({@link Quorum}) and is not merging into another
 * cluster after a split. When it stops being able to (it lost its quorum, or Hazelcast starts or ends a merge),
 * what it held of the old view is worth nothing: the listeners given to {@link #onViewLost} drop caches and send
 * clients elsewhere.
 */
public final class ClusterView implements BooleanSupplier {
  /** Null for a quorum of one, which always holds. */
  private final SplitBrainProtection quorum;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean merging;
  /** What {@link #check()} saw last; a node that starts without its quorum has no view to lose yet. */
  private boolean wasServing;

  public ClusterView(HazelcastInstance hazelcast) {
    this.quorum = Quorum.nameIn(hazelcast.getConfig()) == null ? null
        : hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(Quorum.NAME);
    hazelcast.getLifecycleService().addLifecycleListener(this::lifecycle);
  }

  /** True while this member has its quorum and is not merging. */
  @Override
  public boolean getAsBoolean() {
    return !merging && (quorum == null || quorum.hasMinimumSize());
  }

  /** @param listener runs on a Hazelcast or timer thread each time the view this node served is gone */
  public void onViewLost(Runnable listener) {
    listeners.add(listener);
  }

  /**
   * Compares the quorum with the last check: the protection has no event a node can subscribe to at runtime, so
   * the node polls it (a volatile read) a few times a second.
   */
  public synchronized void check() {
    boolean serving = getAsBoolean();
    if (wasServing && !serving) {
      lost();
    }
    wasServing = serving;
  }

  /**
   * MERGING: this member leaves its side of the split and takes the other side's data; MERGED: it has. Both
   * times whatever was cached of the old view (epochs, offsets, subscriptions) may be contradicted.
   */
  private void lifecycle(LifecycleEvent event) {
    LifecycleState state = event.getState();
    if (state == LifecycleState.MERGING) {
      merging = true;
      lost();
    } else if (state == LifecycleState.MERGED || state == LifecycleState.MERGE_FAILED) {
      merging = false;
      lost();
    }
  }

  private void lost() {
    listeners.forEach(Runnable::run);
  }
}
