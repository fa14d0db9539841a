package stream.terminal.lastmile.channel;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.function.Predicate;
import stream.terminal.lastmile.metrics.GatewayMetrics;

/**
 * Runs {@link LocalChannelRegistry#sweep} every {@code sweep_interval_ms} on a worker thread (a sweep visits
 * every channel, up to {@code channels.max}, which an event loop should not wait for), one sweep at a time. A
 * verticle, so that its timer stops with its deployment.
 */
public final class ChannelSweeper extends VerticleBase {
  private final LocalChannelRegistry registry;
  private final long intervalMs;
  private final Predicate<String> keep;
  private final GatewayMetrics metrics;

  /** @param keep channels never evicted: those subscribed on this node and the declared ones */
  public ChannelSweeper(LocalChannelRegistry registry, long intervalMs, Predicate<String> keep, GatewayMetrics metrics) {
    this.registry = registry;
    this.intervalMs = intervalMs;
    this.keep = keep;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(intervalMs, id -> vertx
        .executeBlocking(() -> registry.sweep(System.currentTimeMillis(), keep), true)
        .onSuccess(metrics::channelsEvicted));
    return Future.succeededFuture();
  }
}
