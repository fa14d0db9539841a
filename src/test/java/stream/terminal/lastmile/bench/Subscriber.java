package stream.terminal.lastmile.bench;

import io.vertx.core.Future;

/** One subscriber connection of the load generator, whatever its transport. */
interface Subscriber {
  Future<Void> close();
}
