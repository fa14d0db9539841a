package stream.terminal.lastmile.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import stream.terminal.lastmile.config.Permission;
import stream.terminal.lastmile.core.BacklogPage;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.ChannelNames;
import stream.terminal.lastmile.core.Dialect;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.PayloadFormat;
import stream.terminal.lastmile.core.Position;
import stream.terminal.lastmile.identity.ChannelAccess;
import stream.terminal.lastmile.identity.SubscriberCounts;
import stream.terminal.lastmile.net.AddressBudget;
import stream.terminal.lastmile.protobuf.BinaryFrames;
import stream.terminal.lastmile.protocol.Replies;
import stream.terminal.lastmile.protocol.TextFrame;

/**
 * A session's channels: subscribe with recovery (a resume replays the backlog after the client's position, page
 * by page, at the pace the client reads and the address's reply budget allows), live delivery, unsubscribe, and
 * the release of all of them when the connection ends.
 */
final class Subscriptions {
  private final ClientSession session;
  private final Services services;
  /** Most connections hold one subscription: a table of two slots, not Java's default of 16 (56 bytes less). */
  private final Map<String, Subscription> byChannel = new HashMap<>(2);
  /**
   * Channels where this connection holds one of the places their {@code max_subscribers} allows; null until it
   * holds one, as most channels have no such cap.
   */
  private Set<String> counted;

  Subscriptions(ClientSession session) {
    this.session = session;
    this.services = session.services();
  }

  Dialect dialect() {
    return session.dialect();
  }

  /** A live message for one of this connection's subscriptions; see {@link Subscription#deliver}. */
  boolean deliver(Subscription subscription, ChannelMessage message, TextFrame frame) {
    if (session.closing()) {
      return false;
    }
    if (subscription.catchingUp()) {
      if (!subscription.hold(message, frame)) {
        session.disconnect(Disconnect.SLOW_CONSUMER);
      }
      return false;
    }
    return subscription.take(message) && session.message(message, frame);
  }

  /**
   * Subscribes: live messages are held from the moment the node receives the channel for this connection, the
   * position (or the resume point and the backlog after it) is read, the reply is written, then the replay, then
   * the held messages the replay did not cover.
   *
   * @param format how messages published in Protobuf form are delivered; a repeated subscribe keeps the first's
   * @throws GatewayException when refused before any lookup (permission, name, subscription limit)
   */
  Future<Subscribed> subscribe(String name, Position requestedSince, PayloadFormat format) {
    session.requireSignedOn();
    session.require(Permission.SUBSCRIBE);
    String channel = ChannelNames.require(name);
    ChannelAccess access = services.identity().access();
    access.requireSubscribe(session.identity(), channel);
    // where history is not allowed, a resume would be history by another name: it starts at the present
    boolean replayAllowed = access.historyAllowed(channel);
    Position since = replayAllowed ? requestedSince : null;
    if (byChannel.containsKey(channel)) {
      // already subscribed: the reply gives the position; nothing is replayed twice
      return services.registry().get(channel).map(info -> {
        Position now = new Position(info.channel().epoch(), info.lastOffset());
        return new Subscribed(channel, Replies.position(channel, now.epoch(), now.offset()), now, () -> {});
      });
    }
    int max = session.limits().maxSubscriptions();
    if (byChannel.size() >= max) {
      throw new GatewayException(ErrorCode.LIMIT_EXCEEDED, "at most " + max + " subscriptions per connection");
    }
    takePlace(channel, access.maxSubscribers(channel));
    Subscription subscription = new Subscription(this, session.limits().writeQueueBytes(), format);
    byChannel.put(channel, subscription);
    services.metrics().subscriptionsChanged(1);
    return services.registry()
        .get(channel)
        .compose(info -> attach(channel, subscription))
        .compose(v -> services.registry().read(channel, since == null ? Long.MAX_VALUE : since.offset() + 1,
            services.historyMaxPage()))
        .map(page -> {
          Subscribed subscribed = start(channel, subscription, since, page);
          if (requestedSince != null && !replayAllowed) {
            subscribed.result().put("recovered", false).put("first_available", page.lastOffset() + 1);
          }
          return subscribed;
        })
        .onFailure(e -> drop(channel, subscription));
  }

  /** One of the channel's places on this node, when its policy caps its subscribers. */
  private void takePlace(String channel, int max) {
    if (max <= 0) {
      return;
    }
    if (!services.identity().subscribers().tryAcquire(channel, max)) {
      throw new GatewayException(ErrorCode.LIMIT_EXCEEDED,
          "channel '" + channel + "' has its maximum of " + max + " subscribers on this node");
    }
    if (counted == null) {
      counted = new HashSet<>(2);
    }
    counted.add(channel);
  }

  private void releasePlace(String channel) {
    if (counted != null && counted.remove(channel)) {
      services.identity().subscribers().release(channel);
    }
  }

  /** The channels this connection is subscribed to (or subscribing to). */
  Set<String> channels() {
    return byChannel.keySet();
  }

  /**
   * Hands a subscription to the fan-out once its channel is known, unless the connection dropped it while the
   * lookup was in flight (an unsubscribe, a close): attached then, it would stay in the fan-out for good and
   * the node would keep consuming the channel for nobody.
   */
  private Future<Void> attach(String channel, Subscription subscription) {
    if (byChannel.get(channel) != subscription) {
      return Future.failedFuture(new GatewayException(ErrorCode.CANCELLED,
          session.closing() ? "connection closed" : "unsubscribed before the subscription completed"));
    }
    return services.fanout().add(channel, subscription);
  }

  /** The subscribe reply, and the catch-up to run once it is written. */
  private Subscribed start(String channel, Subscription subscription, Position since, BacklogPage page) {
    JsonObject result = Replies.position(channel, page.epoch(), page.lastOffset());
    if (since == null) {
      subscription.position(page.epoch(), page.lastOffset());
      return new Subscribed(channel, result, new Position(page.epoch(), page.lastOffset()),
          () -> finishCatchUp(channel, subscription));
    }
    boolean sameEpoch = since.epoch().equals(page.epoch()) && since.offset() <= page.lastOffset();
    boolean recovered = sameEpoch && page.firstAvailable() <= since.offset() + 1;
    result.put("recovered", recovered).put("first_available", page.firstAvailable());
    // a resume from another epoch replays nothing: that history is gone, the client starts at the present
    Position from = new Position(page.epoch(), sameEpoch ? since.offset() : page.lastOffset());
    subscription.position(from.epoch(), from.offset());
    return new Subscribed(channel, result, from, () -> {
      if (sameEpoch) {
        replay(channel, subscription, page);
      } else {
        finishCatchUp(channel, subscription);
      }
    });
  }

  /**
   * Replays one page read from the backlog, cut to the connection's outbound bound: a paused replay holds at
   * most that much, however large the channel's messages. Reads on while the page was full or cut.
   */
  private void replay(String channel, Subscription subscription, BacklogPage read) {
    List<ChannelMessage> page = read.limitBytes(session.replyBound()).messages();
    int readCount = read.messages().size();
    replay(channel, subscription, page.iterator(), page.size() < readCount || readCount == services.historyMaxPage());
  }

  /** Writes replayed messages as fast as the client reads them, page after page, then ends the catch-up. */
  private void replay(String channel, Subscription subscription, Iterator<ChannelMessage> page, boolean more) {
    AddressBudget budget = session.budget();
    while (page.hasNext()) {
      if (session.closing() || byChannel.get(channel) != subscription) {
        return; // closed or unsubscribed meanwhile
      }
      if (session.full()) {
        session.whenWritable(() -> replay(channel, subscription, page, more));
        return;
      }
      long debt = budget.replyDebtNanos();
      if (debt > 0) {
        // the address has had its share of replies for now: the rest when it has paid
        session.vertx().setTimer(Math.max(1, debt / 1_000_000), id -> replay(channel, subscription, page, more));
        return;
      }
      ChannelMessage message = page.next();
      if (subscription.take(message)) {
        TextFrame frame = subscription.binary() && message.proto() != null
            ? BinaryFrames.frame(message, false)
            : TextFrame.of(session.codec().message(message));
        budget.chargeReply(frame.length());
        session.transport().message(message, frame);
      }
    }
    if (!more) {
      finishCatchUp(channel, subscription);
      return;
    }
    long next = subscription.lastOffset() + 1;
    services.registry().read(channel, next, services.historyMaxPage()).onComplete(ar -> {
      if (ar.failed()) {
        finishCatchUp(channel, subscription);
        return;
      }
      if (overtaken(ar.result(), next)) {
        // the backlog was trimmed past the client while it was being replayed to: what it lacks is gone. Said
        // by a slow-consumer close rather than a silent jump: its resume then answers recovered:false
        session.disconnect(Disconnect.SLOW_CONSUMER);
        return;
      }
      replay(channel, subscription, ar.result());
    });
  }

  /** Whether a replay page no longer starts where the client is: the offsets in between were trimmed. */
  private static boolean overtaken(BacklogPage page, long next) {
    return page.messages().isEmpty()
        ? page.lastOffset() >= next
        : page.messages().get(0).offset() > next;
  }

  private void finishCatchUp(String channel, Subscription subscription) {
    if (session.closing() || byChannel.get(channel) != subscription) {
      return;
    }
    for (Subscription.Held held : subscription.release()) {
      session.message(held.message(), held.frame());
    }
  }

  /** Unsubscribes; whether the connection was subscribed. */
  boolean unsubscribe(String channel) {
    Subscription subscription = byChannel.get(channel);
    return subscription != null && drop(channel, subscription);
  }

  /** Drops this very subscription, never a newer one to the same channel that replaced it meanwhile. */
  private boolean drop(String channel, Subscription subscription) {
    if (!byChannel.remove(channel, subscription)) {
      return false;
    }
    subscription.drop();
    services.fanout().remove(channel, subscription);
    services.metrics().subscriptionsChanged(-1);
    releasePlace(channel);
    return true;
  }

  /** The connection ended: every subscription leaves the fan-out. */
  void dropAll() {
    byChannel.forEach((channel, subscription) -> {
      subscription.drop();
      services.fanout().remove(channel, subscription);
    });
    if (counted != null) {
      counted.forEach(services.identity().subscribers()::release);
      counted = null;
    }
    services.metrics().subscriptionsChanged(-byChannel.size());
    byChannel.clear();
  }
}
