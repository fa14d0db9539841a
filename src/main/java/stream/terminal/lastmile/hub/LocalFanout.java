package stream.terminal.lastmile.hub;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import stream.terminal.lastmile.core.Dialect;
import stream.terminal.lastmile.protocol.TextFrame;

/**
 * The subscribers of one event loop, by channel, in plain collections touched only from that loop. It asks the
 * hub for a channel when its first local subscriber arrives and gives it back when the last one leaves.
 */
public final class LocalFanout {
  private final SubscriptionHub hub;
  private final Context context;
  private final Map<String, SubscriberArray> subscribers = new HashMap<>();
  private final Map<String, Future<Void>> attached = new HashMap<>();

  LocalFanout(SubscriptionHub hub, Context context) {
    this.hub = hub;
    this.context = context;
  }

  public Context context() {
    return context;
  }

  /** Adds a subscriber; completes once messages of the channel flow to this loop. */
  public Future<Void> add(String channel, Subscriber subscriber) {
    subscribers.computeIfAbsent(channel, c -> new SubscriberArray()).add(subscriber);
    return attached.computeIfAbsent(channel, c -> hub.attach(c, this));
  }

  /**
   * Removes a subscriber, also in the middle of a delivery to its channel (the array skips it and delivers to
   * every other subscriber once); the last one to leave gives the channel back to the hub.
   */
  public void remove(String channel, Subscriber subscriber) {
    SubscriberArray array = subscribers.get(channel);
    if (array == null || !array.remove(subscriber) || !array.isEmpty()) {
      return;
    }
    subscribers.remove(channel);
    attached.remove(channel);
    hub.detach(channel, this);
  }

  void deliver(Outbound outbound) {
    SubscriberArray array = subscribers.get(outbound.message().channel());
    if (array == null) {
      return;
    }
    Delivery delivery = new Delivery(outbound);
    array.forEach(delivery);
    // counted once per message and loop, not per write: a counter update is a shared write of its own
    hub.metrics().delivered(delivery.written);
  }

  /** One message's walk over a channel's subscribers: each frame is fetched from the outbound once, on first use. */
  private static final class Delivery implements Consumer<Subscriber> {
    private final Outbound outbound;
    private final boolean hasBinary;
    private TextFrame nativeFrame;
    private TextFrame legacyFrame;
    private TextFrame binaryFrame;
    int written;

    Delivery(Outbound outbound) {
      this.outbound = outbound;
      this.hasBinary = outbound.message().proto() != null;
    }

    @Override
    public void accept(Subscriber s) {
      TextFrame frame;
      if (hasBinary && s.binary()) {
        frame = binaryFrame == null ? binaryFrame = outbound.binaryFrame() : binaryFrame;
      } else if (s.dialect() == Dialect.NATIVE) {
        frame = nativeFrame == null ? nativeFrame = outbound.frame(Dialect.NATIVE) : nativeFrame;
      } else {
        frame = legacyFrame == null ? legacyFrame = outbound.frame(Dialect.LEGACY) : legacyFrame;
      }
      if (s.deliver(outbound.message(), frame)) {
        written++;
      }
    }
  }
}
