package stream.terminal.lastmile.bench.abuse;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** One attack on a node: bounded in count and time, it stops by itself and closes every socket it opened. */
interface Attack {
  /** Attackers connect from this address; the steady subscriber uses 127.0.0.1, a new subscriber 127.0.0.3. */
  String SOURCE = "127.0.0.2";

  String name();

  /** The most seconds this attack may run. */
  default int seconds(Sizes sizes) {
    return sizes.attackSeconds();
  }

  /**
   * What the attack needs in place before the subscriber's quiet window, done by the node's trusted side (the
   * history attack's stored messages, for one): not part of what is measured.
   */
  default Future<Void> prepare(Vertx vertx, Target target, Sizes sizes) {
    return Future.succeededFuture();
  }

  /**
   * Runs the attack; called on a Vert.x context, where all its sockets live.
   *
   * @param deadlineNanos {@link System#nanoTime()} after which nothing new starts
   */
  Future<Outcome> run(Vertx vertx, Target target, Sizes sizes, long deadlineNanos);

  /**
   * What an attack did and what it saw.
   *
   * @param sent what it sent (pings, sockets, frames, requests: its own unit)
   * @param summary one line for the table, e.g. "40,000 pings in 1.2 s; not cut off"
   */
  record Outcome(long sent, String summary) {}
}
