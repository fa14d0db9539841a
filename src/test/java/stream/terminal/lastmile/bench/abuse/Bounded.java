package stream.terminal.lastmile.bench.abuse;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/** Helpers every attack shares: a bounded loop of asynchronous tasks, attacker sockets, tallies of outcomes. */
final class Bounded {
  private Bounded() {}

  /**
   * Runs tasks 0..count-1, at most {@code concurrency} at a time, none started after the deadline; completes
   * with how many were started once each has finished (succeeded or failed). Call it on a Vert.x context.
   */
  static Future<Integer> each(int count, int concurrency, long deadlineNanos, IntFunction<Future<?>> task) {
    Context context = Vertx.currentContext();
    Promise<Integer> done = Promise.promise();
    new Object() {
      int next;
      int running;

      void pump() {
        while (running < concurrency && next < count && System.nanoTime() < deadlineNanos) {
          running++;
          Future<?> started;
          try {
            started = task.apply(next++);
          } catch (RuntimeException e) {
            started = Future.failedFuture(e);
          }
          // resumed through the context, so tasks that finish at once do not nest pump() without bound
          started.onComplete(ar -> context.runOnContext(v -> {
            running--;
            pump();
          }));
        }
        if (running == 0) {
          done.tryComplete(next);
        }
      }
    }.pump();
    return done.future();
  }

  /** A TCP client whose sockets come from the attacker's address, never the steady subscriber's. */
  static NetClient client(Vertx vertx, String source) {
    return vertx.createNetClient(new NetClientOptions().setLocalAddress(source).setConnectTimeout(10_000)
        .setTcpNoDelay(true));
  }

  /** Counts of outcomes by reason, written "reason ×n, reason ×m". */
  static final class Reasons {
    private final Map<String, Integer> counts = new TreeMap<>();

    void add(String reason) {
      counts.merge(shorten(reason), 1, Integer::sum);
    }

    int total() {
      return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public String toString() {
      return counts.isEmpty() ? "none" : counts.entrySet().stream()
          .map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String shorten(String reason) {
      String text = reason == null ? "unknown" : reason.replaceAll("\\s+", " ").strip();
      return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }
  }

  static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
