package stream.terminal.lastmile.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Position;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Signature;

/**
 * One channel's publishes on this node, stored one batch at a time (a group commit): while a batch is being stored,
 * new publishes queue; when it is done, everything queued goes in the next batch. With one store in flight per
 * channel nothing can overtake anything, even when Hazelcast retries a store on a new owner after a member is
 * lost, so a connection's messages keep its publish order; batching keeps the throughput that pipelining gave.
 *
 * <p>A keyed publish joins the queue at once too, so it keeps its place; its batch is stored once its key's
 * claim ({@link KeyClaims}) is decided, and without it when another publish holds the key. A batch without keyed
 * publishes waits for nothing.
 */
final class Appender {
  /** A publish waiting for its offset; completed on the context that published it. */
  private record Pending(long ts, String data, Signature signature, ProtoPayload proto, String key,
      Future<Boolean> admitted, Context context, Promise<ChannelMessage> done) {}

  private final String channel;
  private final int maxBatch;
  /** Stores a batch; completes with the epoch and the offset of the batch's last message. */
  private final Function<List<Pending>, Future<Position>> store;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean storing;

  private Appender(String channel, int maxBatch, Function<List<Pending>, Future<Position>> store) {
    this.channel = channel;
    this.maxBatch = maxBatch;
    this.store = store;
  }

  /** @param store given the batch's messages (timestamps, payloads, signatures, Protobuf forms), stores them in order */
  static Appender of(String channel, int maxBatch, Function<List<Stored>, Future<Position>> store) {
    return new Appender(channel, maxBatch,
        batch -> store.apply(batch.stream().map(p -> Stored.of(p.ts(), p.data(), p.signature(), p.proto(), p.key()))
            .toList()));
  }

  /**
   * @param signature null for an unsigned message
   * @param proto null for a JSON publish
   */
  Future<ChannelMessage> append(long ts, String data, Signature signature, ProtoPayload proto, Context context) {
    return append(ts, data, signature, proto, null, null, context);
  }

  /**
   * A keyed publish: stored with {@code key} if {@code admitted} turns true, skipped (completed with null) if it
   * turns false; failed with its failure.
   *
   * @param key stored with the message; null when the key is the signature's own
   */
  Future<ChannelMessage> append(long ts, String data, Signature signature, ProtoPayload proto, String key,
      Future<Boolean> admitted, Context context) {
    Promise<ChannelMessage> done = Promise.promise();
    boolean start;
    synchronized (this) {
      queue.add(new Pending(ts, data, signature, proto, key, admitted, context, done));
      start = !storing;
      storing = true;
    }
    if (start) {
      storeNext();
    }
    return done.future();
  }

  private void storeNext() {
    List<Pending> batch = new ArrayList<>();
    synchronized (this) {
      while (!queue.isEmpty() && batch.size() < maxBatch) {
        batch.add(queue.poll());
      }
      if (batch.isEmpty()) {
        storing = false;
        return;
      }
    }
    List<Future<Boolean>> claims = batch.stream().map(Pending::admitted).filter(a -> a != null).toList();
    if (claims.isEmpty()) {
      store(batch);
    } else {
      Future.join(claims).onComplete(decided -> store(admitted(batch)));
    }
  }

  /** The batch's publishes to store: the unkeyed ones and those whose claim was won; the others are answered. */
  private static List<Pending> admitted(List<Pending> batch) {
    List<Pending> admitted = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      if (p.admitted() == null || p.admitted().succeeded() && p.admitted().result()) {
        admitted.add(p);
      } else if (p.admitted().failed()) {
        p.context().runOnContext(v -> p.done().fail(p.admitted().cause()));
      } else {
        p.context().runOnContext(v -> p.done().complete(null));
      }
    }
    return admitted;
  }

  private void store(List<Pending> batch) {
    if (batch.isEmpty()) {
      storeNext();
      return;
    }
    store.apply(batch).onComplete(stored -> {
      for (int i = 0; i < batch.size(); i++) {
        Pending p = batch.get(i);
        if (stored.succeeded()) {
          long offset = stored.result().offset() - batch.size() + 1 + i;
          ChannelMessage message = new ChannelMessage(channel, stored.result().epoch(), offset, p.ts(), p.data(),
              p.signature(), p.proto());
          p.context().runOnContext(v -> p.done().complete(message));
        } else {
          p.context().runOnContext(v -> p.done().fail(stored.cause()));
        }
      }
      storeNext();
    });
  }
}
