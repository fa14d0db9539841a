package stream.terminal.lastmile.channel;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import stream.terminal.lastmile.bus.Addresses;
import stream.terminal.lastmile.metrics.GatewayMetrics;
import stream.terminal.lastmile.protocol.ChannelMessage;

/** Creates channels and publishes to them: the ingest side's only way onto the event bus. */
public final class Publisher {
  private final ChannelRegistry registry;
  private final EventBus bus;
  private final GatewayMetrics metrics;

  public Publisher(ChannelRegistry registry, EventBus bus, GatewayMetrics metrics) {
    this.registry = registry;
    this.bus = bus;
    this.metrics = metrics;
  }

  public Future<Channel> create(String name) {
    return registry.create(ChannelNames.require(name));
  }

  /**
   * Gives the message the channel's next offset and puts it on the bus. With a registry that answers at once
   * (the local one) reservation and send happen under one lock, so the bus carries a channel's messages in
   * offset order whichever event loop publishes.
   *
   * @param data the payload as compact JSON text
   */
  public Future<ChannelMessage> publish(String channel, String data) {
    ChannelNames.require(channel);
    synchronized (this) {
      return registry
          .next(channel)
          .map(
              position -> {
                ChannelMessage message =
                    new ChannelMessage(channel, position.epoch(), position.offset(), System.currentTimeMillis(), data);
                bus.publish(Addresses.channel(channel), message);
                metrics.published();
                return message;
              });
    }
  }
}
