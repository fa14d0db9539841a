package stream.terminal.lastmile.channel;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import stream.terminal.lastmile.bus.Addresses;
import stream.terminal.lastmile.metrics.GatewayMetrics;
import stream.terminal.lastmile.protocol.ChannelMessage;
import stream.terminal.lastmile.protocol.Position;

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

  /** Publishes on its own: for requests that need no order with any other. */
  public Future<ChannelMessage> publish(String channel, String data) {
    return publish(channel, data, Future.succeededFuture());
  }

  /**
   * Gives the message the channel's next offset and puts it on the bus once {@code after} (the connection's
   * previous publish) is done. The offset is reserved at once, so a connection's publishes are pipelined to a
   * clustered registry instead of waiting a round trip each, yet reach the bus in the order they were sent.
   * With a registry that answers at once (the local one) reservation and send happen under one lock, so the bus
   * carries a channel's messages in offset order whichever event loop publishes.
   *
   * @param data the payload as compact JSON text
   */
  public Future<ChannelMessage> publish(String channel, String data, Future<?> after) {
    ChannelNames.require(channel);
    synchronized (this) {
      Future<Position> reserved = registry.next(channel);
      return after.transform(previous -> reserved).map(position -> {
        ChannelMessage message =
            new ChannelMessage(channel, position.epoch(), position.offset(), System.currentTimeMillis(), data);
        bus.publish(Addresses.channel(channel), message);
        metrics.published();
        return message;
      });
    }
  }
}
