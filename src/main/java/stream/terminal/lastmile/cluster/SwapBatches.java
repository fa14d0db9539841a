package stream.terminal.lastmile.cluster;

import com.hazelcast.map.IMap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The claims' compare-and-sets of this node, sent in batches one at a time (a group commit, as {@link Appender}
 * does for stores): while a batch is in flight the next swaps queue, and go together once it is answered. One
 * swap alone goes at once. Swaps of one key keep their order: a key's second swap waits for the next batch.
 */
final class SwapBatches {
  /** One compare-and-set, answered on the context that asked for it. */
  private record Pending(String key, ClaimSwap swap, Context context, Promise<String> done) {}

  private final IMap<String, String> map;
  private List<Pending> queue = new ArrayList<>();
  private boolean sending;

  SwapBatches(IMap<String, String> map) {
    this.map = map;
  }

  /** See {@link ClaimSwap}: completes with the entry's value afterwards. */
  Future<String> swap(String key, String expected, String next, long ttlMs, Context context) {
    Promise<String> done = Promise.promise();
    boolean start;
    synchronized (this) {
      queue.add(new Pending(key, new ClaimSwap(expected, next, ttlMs), context, done));
      start = !sending;
      sending = true;
    }
    if (start) {
      sendNext();
    }
    return done.future();
  }

  private void sendNext() {
    HashMap<String, ClaimSwap> swaps = new HashMap<>();
    List<Pending> batch = new ArrayList<>();
    synchronized (this) {
      List<Pending> later = new ArrayList<>();
      for (Pending p : queue) {
        if (swaps.putIfAbsent(p.key(), p.swap()) == null) {
          batch.add(p);
        } else {
          later.add(p);
        }
      }
      queue = later;
      if (batch.isEmpty()) {
        sending = false;
        return;
      }
    }
    // one swap alone: a single-key operation, lighter than a multi-key one
    CompletionStage<Map<String, String>> sent = batch.size() == 1
        ? map.submitToKey(batch.get(0).key(), batch.get(0).swap()).thenApply(r -> singleton(batch.get(0).key(), r))
        : map.submitToKeys(swaps.keySet(), new ClaimSwaps(swaps));
    // the callback runs on the completing thread (see HazelcastChannelRegistry#local)
    sent.whenCompleteAsync((results, failure) -> {
      for (Pending p : batch) {
        p.context().runOnContext(v -> {
          if (failure != null) {
            p.done().fail(failure);
          } else {
            p.done().complete(results.get(p.key()));
          }
        });
      }
      sendNext();
    }, Runnable::run);
  }

  /** A result map that may hold null (Map.of may not). */
  private static Map<String, String> singleton(String key, String value) {
    Map<String, String> one = new HashMap<>(1);
    one.put(key, value);
    return one;
  }
}
