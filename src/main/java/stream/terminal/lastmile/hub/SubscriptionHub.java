package stream.terminal.lastmile.hub;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import stream.terminal.lastmile.bus.Addresses;
import stream.terminal.lastmile.metrics.GatewayMetrics;
import stream.terminal.lastmile.protocol.ChannelMessage;

/**
 * The node's single event-bus consumer per channel. It consumes a channel's address only while some event loop
 * of the node has a subscriber to it, wraps each message once, and hands it to each interested
 * {@link LocalFanout} on that fanout's own event loop. All its state lives on its own context (it is deployed as a
 * verticle to get one), so it needs no lock.
 */
public final class SubscriptionHub extends VerticleBase {
  private final GatewayMetrics metrics;
  private final Map<String, Interest> channels = new HashMap<>();

  private static final class Interest {
    final List<LocalFanout> fanouts = new ArrayList<>(2);
    MessageConsumer<ChannelMessage> consumer;
    Future<Void> registered;
  }

  /** Deploy it (one instance per node) before any fanout asks it for a channel: deployment gives it its context. */
  public SubscriptionHub(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  GatewayMetrics metrics() {
    return metrics;
  }

  /** A fanout for the calling verticle's context. */
  public LocalFanout fanout(Context owner) {
    return new LocalFanout(this, owner);
  }

  /**
   * Adds a fanout's interest in a channel. Completes (on the fanout's context) once the node's consumer is
   * registered cluster-wide, so a message published after that is sure to arrive.
   */
  Future<Void> attach(String channel, LocalFanout fanout) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          Interest interest = channels.computeIfAbsent(channel, this::consume);
          interest.fanouts.add(fanout);
          interest.registered.onComplete(ar -> fanout.context().runOnContext(x -> done.handle(ar)));
        });
    return done.future();
  }

  void detach(String channel, LocalFanout fanout) {
    context.runOnContext(
        v -> {
          Interest interest = channels.get(channel);
          if (interest == null) {
            return;
          }
          interest.fanouts.remove(fanout);
          if (interest.fanouts.isEmpty()) {
            channels.remove(channel);
            interest.consumer.unregister();
          }
        });
  }

  private Interest consume(String channel) {
    Interest interest = new Interest();
    interest.consumer =
        vertx.eventBus().consumer(Addresses.channel(channel), message -> dispatch(interest, message.body()));
    interest.registered = interest.consumer.completion();
    return interest;
  }

  private static void dispatch(Interest interest, ChannelMessage message) {
    Outbound outbound = new Outbound(message);
    for (LocalFanout fanout : interest.fanouts) {
      fanout.context().runOnContext(v -> fanout.deliver(outbound));
    }
  }
}
