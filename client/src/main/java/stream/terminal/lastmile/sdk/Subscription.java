package stream.terminal.lastmile.sdk;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * One channel subscribed over WebSocket. It keeps the position of the last message delivered, resumes from it
 * after a reconnect ({@code since}), drops the duplicates a resume can bring, and reports what it could not
 * recover as a {@link Gap}. Its state is touched on the client's context only.
 */
public final class Subscription {
  private final String channel;
  private final Consumer<Received> handler;
  private final SubscriptionListener listener;
  private final EdgeConnection connection;
  private final Promise<ChannelState> subscribed = Promise.promise();
  private final Promise<Void> ended = Promise.promise();
  private String epoch;
  private long offset;
  private boolean active;

  Subscription(String channel, Consumer<Received> handler, SubscriptionListener listener,
      EdgeConnection connection) {
    this.channel = channel;
    this.handler = handler;
    this.listener = listener;
    this.connection = connection;
  }

  public String channel() {
    return channel;
  }

  /** Completes with the first subscribe reply (the channel's position then). */
  public Future<ChannelState> subscribed() {
    return subscribed.future();
  }

  /**
   * Completes when {@link #close()} ended the subscription; fails when the connection closed for good (a close
   * that forbids a reconnect, docs/protocol.md section 4, or the client closed).
   */
  public Future<Void> ended() {
    return ended.future();
  }

  /** Unsubscribes; no message is delivered once the returned future completes. */
  public Future<Void> close() {
    return connection.unsubscribe(this).onComplete(v -> ended.tryComplete());
  }

  /** The {@code since} of a resubscribe: the position of the last message delivered, or null before the first reply. */
  JsonObject since() {
    return epoch == null ? null : new JsonObject().put("epoch", epoch).put("offset", offset);
  }

  /** A subscribe reply's result. */
  void onReply(JsonObject result) {
    String newEpoch = result.getString("epoch");
    long latest = result.getLong("offset", 0L);
    if (epoch == null) {
      offset = latest;
    } else if (!epoch.equals(newEpoch) || offset > latest) {
      // history lost, or a position that is not in this channel's history: live from the reply's offset
      listener.onGap(new Gap(channel, epoch, offset, newEpoch, latest + 1));
      offset = latest;
    } else if (Boolean.FALSE.equals(result.getBoolean("recovered"))) {
      long firstAvailable = result.getLong("first_available", latest + 1);
      if (firstAvailable > offset + 1) {
        listener.onGap(new Gap(channel, epoch, offset, newEpoch, firstAvailable));
      }
    }
    epoch = newEpoch;
    active = true;
    ChannelState position = new ChannelState(channel, newEpoch, latest);
    subscribed.tryComplete(position);
    listener.onSubscribed(position);
  }

  /** A message frame of this channel. */
  void onMessage(JsonObject frame, String text) {
    if (!active) {
      return;
    }
    String messageEpoch = frame.getString("epoch");
    long messageOffset = frame.getLong("offset", 0L);
    if (messageEpoch.equals(epoch)) {
      if (messageOffset <= offset) {
        return; // already delivered: a resume can replay what the previous connection had sent
      }
    } else {
      listener.onGap(new Gap(channel, epoch, offset, messageEpoch, messageOffset));
    }
    epoch = messageEpoch;
    offset = messageOffset;
    String json = RawData.of(text);
    handler.accept(new Received(channel, messageEpoch, messageOffset, frame.getLong("ts", 0L), json,
        frame.getString("kid"), frame.getString("sig")));
  }

  /** The connection that carried it ended; a resubscribe reactivates it. */
  void suspend() {
    active = false;
  }

  SubscriptionListener listener() {
    return listener;
  }

  /** The subscription will get no more messages (no reconnect, or the client closed). */
  void end(LastMileException failure) {
    active = false;
    subscribed.tryFail(failure);
    ended.tryFail(failure);
  }
}
