package stream.terminal.lastmile.hub;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import stream.terminal.lastmile.core.Dialect;
import stream.terminal.lastmile.protocol.TextFrame;

/**
 * The subscribers of one event loop, by channel, in plain collections touched only from that loop. It asks the
 * hub for a channel when its first local subscriber arrives and gives it back when the last one leaves.
 */
public final class LocalFanout {
  private final SubscriptionHub hub;
  private final Context context;
  private final Map<String, Set<Subscriber>> subscribers = new HashMap<>();
  private final Map<String, Future<Void>> attached = new HashMap<>();
  private final List<Runnable> deferred = new ArrayList<>();
  private boolean delivering;

  LocalFanout(SubscriptionHub hub, Context context) {
    this.hub = hub;
    this.context = context;
  }

  Context context() {
    return context;
  }

  /** Adds a subscriber; completes once messages of the channel flow to this loop. */
  public Future<Void> add(String channel, Subscriber subscriber) {
    Set<Subscriber> set = subscribers.computeIfAbsent(channel, c -> new LinkedHashSet<>());
    set.add(subscriber);
    return attached.computeIfAbsent(channel, c -> hub.attach(c, this));
  }

  public void remove(String channel, Subscriber subscriber) {
    if (delivering) {
      // a subscriber dropped while this loop iterates over its channel's set: change the set afterwards
      deferred.add(() -> remove(channel, subscriber));
      return;
    }
    Set<Subscriber> set = subscribers.get(channel);
    if (set == null || !set.remove(subscriber) || !set.isEmpty()) {
      return;
    }
    subscribers.remove(channel);
    attached.remove(channel);
    hub.detach(channel, this);
  }

  void deliver(Outbound outbound) {
    Set<Subscriber> set = subscribers.get(outbound.message().channel());
    if (set == null) {
      return;
    }
    TextFrame nativeFrame = null;
    TextFrame legacyFrame = null;
    TextFrame binaryFrame = null;
    boolean hasBinary = outbound.message().proto() != null;
    int written = 0;
    delivering = true;
    try {
      for (Subscriber s : set) {
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
    } finally {
      delivering = false;
    }
    hub.metrics().delivered(written);
    if (!deferred.isEmpty()) {
      List<Runnable> pending = new ArrayList<>(deferred);
      deferred.clear();
      pending.forEach(Runnable::run);
    }
  }
}
