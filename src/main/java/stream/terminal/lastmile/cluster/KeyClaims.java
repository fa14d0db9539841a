package stream.terminal.lastmile.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.UUID;
import java.util.function.Supplier;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.IdempotencyKey;
import stream.terminal.lastmile.core.Position;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Published;
import stream.terminal.lastmile.core.Signature;

/**
 * Exactly-once publish across the cluster: before a keyed publish is stored, its key is claimed in the map
 * {@value #MAP} (one entry per channel and key, one synchronous backup, time to live the key's window), with one
 * atomic compare-and-set on the key's owner ({@link ClaimSwap}), so of two nodes racing on one key exactly one
 * stores. An entry reads:
 *
 * <ul>
 *   <li>{@code P member at nonce}: a publish of that member is storing it;
 *   <li>{@code D at epoch offset}: stored there: a repeat is a duplicate of that position;
 *   <li>{@code U at nonce}: the store's outcome is unknown (it failed without saying whether it was stored).
 * </ul>
 *
 * A claim is in doubt when it says {@code U}, when its member has left the cluster (it died mid-store), or when it
 * is older than {@link #STORE_TIMEOUT_MS}. The next publish with the key settles it: it looks for the key in the
 * channel's backlog, where the message is stored with it ({@link KeyedStoredMessage}): found, it is a duplicate of
 * that position; not found, it takes the claim over with one compare-and-set and stores. A channel without a
 * backlog has nothing to look in: the takeover alone. A repeat that finds the claim held by a live publish waits
 * for it, at most {@link #MAX_WAIT_MS}, then fails with {@code unavailable}, stored unknown: the publisher retries
 * with the key.
 */
final class KeyClaims {
  /** The map's name; HazelcastSetup configures it (one backup) unless conf/cluster.xml does. */
  static final String MAP = "lastmile.idempotency";
  /**
   * A claim of a live member older than this is in doubt: longer than Hazelcast keeps retrying a store
   * (invocation timeout 120 s by default), so its store can no longer land.
   */
  static final long STORE_TIMEOUT_MS = 150_000;
  /** How long a repeat waits for the publish that holds its key before it is told to retry. */
  static final long MAX_WAIT_MS = 5_000;
  /** Compare-and-set attempts against claims that keep changing (two retries settling one doubt). */
  private static final int MAX_TRIES = 3;
  private static final int MAX_READ = 1000;

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final IMap<String, String> claims;

  KeyClaims(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.claims = hazelcast.getMap(MAP);
  }

  /**
   * Starts claiming {@code key} for one publish on {@code channel}; call on the publisher's context.
   *
   * @param findInBacklog looks for the key in the channel's backlog (null when the message is absent); null for a
   *     channel without a backlog
   */
  Attempt claim(String channel, IdempotencyKey key, Supplier<Future<Position>> findInBacklog) {
    return new Attempt(key.value() + " " + channel, key, findInBacklog);
  }

  /** Looks for the message stored with {@code key} in a backlog, oldest first: the rare path of a claim in doubt. */
  static Future<Position> find(Ringbuffer<Stored> backlog, String epoch, String key, Context context) {
    Future<Long> head = Outcomes.on(context, RingbufferBounds.head(backlog), false);
    Future<Long> tail = Outcomes.on(context, RingbufferBounds.tail(backlog), false);
    return Future.all(head, tail).compose(both -> find(backlog, epoch, key, head.result(), tail.result(), context));
  }

  private static Future<Position> find(Ringbuffer<Stored> backlog, String epoch, String key, long from, long tail,
      Context context) {
    if (from > tail) {
      return Future.succeededFuture();
    }
    int count = (int) Math.min(MAX_READ, tail - from + 1);
    return Outcomes.on(context, backlog.readManyAsync(from, 0, count, null), false).compose(read -> {
      for (int i = 0; i < read.size(); i++) {
        Stored stored = read.get(i);
        if (key.equals(IdempotencyKey.of(stored.key(), stored.signature()))) {
          return Future.succeededFuture(new Position(epoch, read.getSequence(i) + 1));
        }
      }
      return read.size() == 0 ? Future.succeededFuture()
          : find(backlog, epoch, key, read.getNextSequenceToReadFrom(), tail, context);
    });
  }

  /** A claim's entry, parsed. */
  private record Claim(char state, String member, long at, String epoch, long offset) {
    static Claim parse(String text) {
      String[] f = text.split(" ");
      return switch (f[0]) {
        case "P" -> new Claim('P', f[1], Long.parseLong(f[2]), null, 0);
        case "D" -> new Claim('D', null, Long.parseLong(f[1]), f[2], Long.parseLong(f[3]));
        default -> new Claim('U', null, Long.parseLong(f[1]), null, 0);
      };
    }
  }

  /** One keyed publish's claim: decided once ({@link #won}), then settled by the store's outcome. */
  final class Attempt {
    private final String mapKey;
    private final IdempotencyKey key;
    private final Supplier<Future<Position>> findInBacklog;
    private final Context context = vertx.getOrCreateContext();
    private final long claimedAt = System.currentTimeMillis();
    private final String nonce = UUID.randomUUID().toString();
    private final String mine;
    /** The first publish's position, for a publish that did not win the claim. */
    private final Promise<Position> original = Promise.promise();
    private final Future<Boolean> won;
    /** Set on the context once this publish holds the claim: its store's outcome settles it. */
    private boolean holds;

    private Attempt(String mapKey, IdempotencyKey key, Supplier<Future<Position>> findInBacklog) {
      this.mapKey = mapKey;
      this.key = key;
      this.findInBacklog = findInBacklog;
      this.mine = "P " + hazelcast.getCluster().getLocalMember().getUuid() + " " + claimedAt + " " + nonce;
      this.won = swapIn(null, 1);
    }

    /** True: this publish holds the key and stores; false: another one did or does (see {@link #settle}). */
    Future<Boolean> won() {
      return won;
    }

    /**
     * The publish's answer, given what the appender did: stored (the claim now names the position), skipped (the
     * first publish's position, as a duplicate) or failed (the claim is released or left in doubt).
     */
    Future<Published> settle(AsyncResult<ChannelMessage> stored, String channel, long ts, String data,
        Signature signature, ProtoPayload proto) {
      if (stored.failed()) {
        return holds ? release(stored.cause()).transform(v -> Future.failedFuture(stored.cause()))
            : Future.failedFuture(stored.cause());
      }
      if (stored.result() == null) {
        return original.future().map(p -> new Published(
            new ChannelMessage(channel, p.epoch(), p.offset(), ts, data, signature, proto), true));
      }
      ChannelMessage message = stored.result();
      // not awaited: a repeat that comes before it lands waits for it, or settles the claim from the backlog
      swap(mine, "D " + claimedAt + " " + message.epoch() + " " + message.offset(), remainingMs());
      return Future.succeededFuture(Published.stored(message));
    }

    /** Moves the entry from {@code expected} to this publish's claim, then reads what it holds. */
    private Future<Boolean> swapIn(String expected, int attempt) {
      return swap(expected, mine, key.windowSeconds() * 1000L).recover(e -> {
        swap(mine, null, 0); // the claim may have been set before the failure: do not leave it blocking repeats
        return Future.failedFuture(new GatewayException(ErrorCode.UNAVAILABLE,
            "the idempotency key could not be claimed (nothing stored); publish again"));
      }).compose(current -> decide(current, attempt));
    }

    private Future<Boolean> decide(String current, int attempt) {
      if (mine.equals(current)) {
        holds = true;
        return Future.succeededFuture(true);
      }
      if (attempt >= MAX_TRIES) {
        return Future.failedFuture(GatewayException.outcomeUnknown(
            "the idempotency key's claim keeps changing; publish again with the same key"));
      }
      if (current == null) {
        return swapIn(null, attempt + 1); // expired or released between the two steps
      }
      Claim claim = Claim.parse(current);
      if (claim.state() == 'D') {
        original.complete(new Position(claim.epoch(), claim.offset()));
        return Future.succeededFuture(false);
      }
      if (!inDoubt(claim)) {
        awaitOriginal(System.currentTimeMillis() + MAX_WAIT_MS, 20);
        return Future.succeededFuture(false);
      }
      if (findInBacklog == null) {
        return swapIn(current, attempt + 1);
      }
      return findInBacklog.get().compose(found -> {
        if (found == null) {
          return swapIn(current, attempt + 1);
        }
        swap(current, "D " + claim.at() + " " + found.epoch() + " " + found.offset(), remainingMs());
        original.complete(found);
        return Future.succeededFuture(false);
      });
    }

    private boolean inDoubt(Claim claim) {
      if (claim.state() == 'U' || System.currentTimeMillis() - claim.at() > STORE_TIMEOUT_MS) {
        return true;
      }
      for (Member member : hazelcast.getCluster().getMembers()) {
        if (member.getUuid().toString().equals(claim.member())) {
          return false;
        }
      }
      return true; // its member left the cluster: it died or was cut off while storing
    }

    /** Polls the claim another publish holds until it names a position, backing off, at most until {@code deadline}. */
    private void awaitOriginal(long deadline, long delayMs) {
      vertx.setTimer(delayMs, t -> Outcomes.on(context, claims.getAsync(mapKey), false).onComplete(read -> {
        if (read.succeeded() && read.result() != null && read.result().startsWith("D ")) {
          Claim claim = Claim.parse(read.result());
          original.complete(new Position(claim.epoch(), claim.offset()));
        } else if (read.succeeded() && read.result() != null && read.result().startsWith("P ")
            && System.currentTimeMillis() + delayMs < deadline) {
          awaitOriginal(deadline, Math.min(500, delayMs * 2));
        } else {
          original.fail(GatewayException.outcomeUnknown(
              "a publish with this idempotency key is in progress or its outcome is unknown; publish again with the same key"));
        }
      }));
    }

    /**
     * After a failed store: a definite refusal (no such channel) frees the key; any other failure may have stored
     * the message, so the claim is marked in doubt for the next publish with the key to settle.
     */
    private Future<String> release(Throwable failure) {
      GatewayException e = GatewayException.of(failure);
      boolean definite = e.code() == ErrorCode.CHANNEL_NOT_FOUND || e.code() == ErrorCode.LIMIT_EXCEEDED;
      return swap(mine, definite ? null : "U " + claimedAt + " " + nonce, remainingMs());
    }

    /** What is left of the key's window: entries outlive it by nothing. */
    private long remainingMs() {
      return claimedAt + key.windowSeconds() * 1000L - System.currentTimeMillis();
    }

    private Future<String> swap(String expected, String next, long ttlMs) {
      return Outcomes.on(context, claims.submitToKey(mapKey, new ClaimSwap(expected, next, ttlMs)), false);
    }
  }
}
