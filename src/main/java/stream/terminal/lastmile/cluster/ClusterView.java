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
  private static final System.Logger LOG = System.getLogger(ClusterView.class.getName());
  /** Whether the member has its quorum now; always, for a quorum of one. */
  private final BooleanSupplier quorate;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> merged = new CopyOnWriteArrayList<>();
  private volatile boolean merging;
  private volatile long generation;
  /** What {@link #check()} saw last; a node that starts without its quorum has no view to lose yet. */
  private boolean wasServing;

  public ClusterView(HazelcastInstance hazelcast) {
    this(hazelcast, quorum(hazelcast));
  }

  /** @param quorate whether the member has its quorum now (tests give their own) */
  ClusterView(HazelcastInstance hazelcast, BooleanSupplier quorate) {
    this.quorate = quorate;
    hazelcast.getLifecycleService().addLifecycleListener(this::lifecycle);
  }

  private static BooleanSupplier quorum(HazelcastInstance hazelcast) {
    if (Quorum.nameIn(hazelcast.getConfig()) == null) {
      return () -> true;
    }
    SplitBrainProtection protection = hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(Quorum.NAME);
    return protection::hasMinimumSize;
  }

  /** True while this member has its quorum and is not merging. */
  @Override
  public boolean getAsBoolean() {
    return !merging && quorate.getAsBoolean();
  }

  /** Counts the views this member dropped: a store that spans a change of view started in another one. */
  public long generation() {
    return generation;
  }

  /**
   * Whether a store that started in view {@code generation} may be acknowledged: the member still serves that
   * view. One that lost its quorum meanwhile may have stored on its own side of a split only: no confirmation
   * crosses the cut, but a write whose backup's member was removed can complete without one.
   */
  public boolean stillServing(long generation) {
    return this.generation == generation && getAsBoolean();
  }

  /** @param listener runs on a Hazelcast or timer thread each time the view this node served is gone */
  public void onViewLost(Runnable listener) {
    listeners.add(listener);
  }

  /** @param listener runs on a Hazelcast thread once this member has merged into the other side's cluster */
  public void onMerged(Runnable listener) {
    merged.add(listener);
  }

  /**
   * Compares the quorum with the last check: the protection has no event a node can subscribe to at runtime, so
   * the node polls it (a volatile read) a few times a second.
   */
  public synchronized void check() {
    boolean serving = getAsBoolean();
    if (wasServing && !serving) {
      lost("it has not heard from cluster.min_members members within " + Quorum.TOLERANCE_MS + " ms");
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
      lost("it merges into the other side of a split");
    } else if (state == LifecycleState.MERGED || state == LifecycleState.MERGE_FAILED) {
      lost("it " + (state == LifecycleState.MERGED ? "merged" : "failed to merge") + " after a split");
      if (state == LifecycleState.MERGED) {
        merged.forEach(Runnable::run);
      }
      merging = false;
    }
  }

  private synchronized void lost(String why) {
    generation++;
    LOG.log(System.Logger.Level.WARNING, "this member drops its view of the cluster and sends its clients elsewhere: "
        + why);
    listeners.forEach(Runnable::run);
  }
}
