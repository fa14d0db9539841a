package stream.terminal.lastmile.cluster;

import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import stream.terminal.lastmile.core.BacklogPage;
import stream.terminal.lastmile.channel.Channel;
import stream.terminal.lastmile.channel.ChannelInfo;
import stream.terminal.lastmile.channel.ChannelRegistry;
import stream.terminal.lastmile.channel.Epochs;
import stream.terminal.lastmile.config.ChannelPolicies;
import stream.terminal.lastmile.config.ChannelPolicy;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.IdempotencyKey;
import stream.terminal.lastmile.core.Position;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Published;
import stream.terminal.lastmile.core.Signature;

/**
 * Channels shared by the cluster. Existence and epoch live in a Hazelcast map: {@code putIfAbsent} lets exactly
 * one of two racing creates win. A channel that keeps a backlog stores it in its own ringbuffer (capacity and
 * TTL from its policy, one backup copy): the ringbuffer's sequence is the channel's offset, so numbering and
 * storing are one atomic operation on the ringbuffer's owner, acknowledged once the backup has it. A channel
 * without backlog takes its offsets from an entry processor on the map instead. Either way a node stores a
 * channel's publishes in batches, one at a time ({@link Appender}). Every write needs the quorum
 * ({@link Quorum}); a node without it refuses at once, before asking Hazelcast.
 */
public final class HazelcastChannelRegistry implements ChannelRegistry {
  private static final System.Logger LOG = System.getLogger(HazelcastChannelRegistry.class.getName());
  /** Why a backlog that starts over moves its channel to a new epoch (the other reason is a merge). */
  private static final String LOST = "both copies of its backlog were lost";
  /** The map's name; conf/cluster.xml sets its backup count. */
  public static final String MAP = "lastmile.channels";
  /** Ringbuffer names: this prefix and the channel name. */
  public static final String BACKLOG_PREFIX = "lastmile.backlog.";
  /** Hazelcast reads at most this many ringbuffer items at once. */
  private static final int MAX_READ = 1000;
  /** Hazelcast adds at most this many ringbuffer items at once; a batch of offsets is bounded the same way. */
  private static final int MAX_BATCH = 1000;

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final IMap<String, ChannelRecord> channels;
  private final int maxChannels;
  private final ChannelPolicies policies;
  /** Whether this member may acknowledge now, and whether it still may once a store is done. */
  private final ClusterView view;
  /** Epoch lookups by channel: a channel keeps its epoch as long as it exists, so one lookup per channel will do. */
  private final ConcurrentMap<String, Future<String>> epochs = new ConcurrentHashMap<>();
  /** The last message this node acknowledged per channel with a backlog: what a merge may have moved. */
  private final ConcurrentMap<String, Acked> lastAcked = new ConcurrentHashMap<>();

  private record Acked(String epoch, long offset, Stored message) {}

  /** Each channel's group commit on this node. */
  private final ConcurrentMap<String, Appender> appenders = new ConcurrentHashMap<>();
  /** Idempotency keys' claims, for keyed publishes only. */
  private final KeyClaims claims;

  public HazelcastChannelRegistry(Vertx vertx, HazelcastInstance hazelcast, int maxChannels, ChannelPolicies policies) {
    this(vertx, hazelcast, maxChannels, policies, new ClusterView(hazelcast));
  }

  public HazelcastChannelRegistry(
      Vertx vertx, HazelcastInstance hazelcast, int maxChannels, ChannelPolicies policies, ClusterView view) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.channels = hazelcast.getMap(MAP);
    this.maxChannels = maxChannels;
    this.policies = policies;
    this.claims = new KeyClaims(vertx, hazelcast);
    this.view = view;
    view.onViewLost(this::forgetAll);
    view.onMerged(this::settleMerge);
  }

  /**
   * After this member merged into the other side of a split: a channel whose last message acknowledged here is not
   * at its offset any more (the other side stored there too; {@link BacklogMergePolicy} has appended ours after
   * theirs) moves to a new epoch, so resumes from positions this node gave out are not told they recovered.
   */
  private void settleMerge() {
    Map<String, Acked> acked = Map.copyOf(lastAcked);
    lastAcked.clear();
    acked.forEach((name, last) -> Future.all(record(name),
            local(backlog(name).readManyAsync(last.offset() - 1, 0, 1, null)))
        .compose(both -> {
          ChannelRecord record = both.resultAt(0);
          ReadResultSet<Stored> item = both.resultAt(1);
          boolean kept = item.size() == 1 && item.getSequence(0) == last.offset() - 1
              && item.get(0).ts() == last.message().ts() && item.get(0).data().equals(last.message().data());
          return record.epoch().equals(last.epoch()) && !kept
              ? restart(name, last.epoch(), true, "its last acknowledged message moved in the merge")
              : Future.succeededFuture(record.epoch());
        })
        .onFailure(e -> LOG.log(System.Logger.Level.WARNING, "channel {0}: merge not checked: {1}", name, e)));
  }

  /**
   * Drops what this node cached of the cluster's view: epochs and group commits. After a split or a merge a
   * channel's epoch may have moved on; the next request asks the cluster again.
   */
  private void forgetAll() {
    epochs.clear();
    appenders.clear();
  }

  @Override
  public Future<Channel> create(String name) {
    if (!view.getAsBoolean()) {
      return Future.failedFuture(Outcomes.minority());
    }
    ChannelPolicy policy = policies.forChannel(name);
    ChannelRecord fresh = new ChannelRecord(Epochs.next(), System.currentTimeMillis(), 0);
    // IMap has no asynchronous putIfAbsent or size, and adding a ringbuffer's configuration waits for the cluster:
    // run them on a worker, unordered so that one slow create holds up no other request of its event loop. The
    // size check is cluster-wide but not atomic with the insert, so racing creates may pass the limit by a few.
    return vertx.<ChannelRecord>executeBlocking(() -> {
      if (channels.size() >= maxChannels) {
        throw new GatewayException(ErrorCode.LIMIT_EXCEEDED, "channel limit reached (" + maxChannels + ")");
      }
      if (policy.keepsBacklog()) {
        // the ringbuffer's configuration must exist cluster-wide before its first use; adding it again is a no-op
        hazelcast.getConfig().addRingBufferConfig(new RingbufferConfig(BACKLOG_PREFIX + name)
            .setCapacity(policy.backlogSize())
            .setTimeToLiveSeconds(policy.backlogTtlSeconds())
            .setBackupCount(1)
            .setSplitBrainProtectionName(Quorum.nameIn(hazelcast.getConfig()))
            .setMergePolicyConfig(new MergePolicyConfig(BacklogMergePolicy.class.getName(),
                MergePolicyConfig.DEFAULT_BATCH_SIZE)));
      }
      return channels.putIfAbsent(name, fresh);
    }, false).recover(e -> Future.failedFuture(Outcomes.ofWrite(e))).compose(previous -> previous == null
        ? Future.succeededFuture(new Channel(name, fresh.epoch(), fresh.createdAt()))
        : Future.failedFuture(new GatewayException(ErrorCode.CHANNEL_EXISTS, "channel exists: " + name)));
  }

  /**
   * Once the channel is known to exist, its record and its backlog's tail are asked for at once: one round
   * trip's wait (two for a channel this node has not seen yet), and no worker thread.
   */
  @Override
  public Future<ChannelInfo> get(String name) {
    if (!view.getAsBoolean()) {
      return Future.failedFuture(Outcomes.minorityRead());
    }
    if (!keepsBacklog(name)) {
      return record(name).map(r -> new ChannelInfo(new Channel(name, r.epoch(), r.createdAt()), r.lastOffset()));
    }
    return here(epoch(name)).compose(known -> {
      Future<ChannelRecord> record = record(name);
      Future<Long> tail = local(RingbufferBounds.tail(backlog(name)));
      return Future.all(record, tail).compose(both -> epochOf(name, record.result(), tail.result()))
          .map(epoch -> new ChannelInfo(new Channel(name, epoch, record.result().createdAt()), tail.result() + 1));
    });
  }

  @Override
  public Future<ChannelMessage> append(String name, long ts, String data, Signature signature, ProtoPayload proto) {
    if (!view.getAsBoolean()) {
      return Future.failedFuture(Outcomes.minority());
    }
    long generation = view.generation();
    Appender appender = appenders.computeIfAbsent(name, this::appender);
    return appender.append(ts, data, signature, proto, vertx.getOrCreateContext())
        .compose(stored -> acknowledgeable(stored, generation))
        .onFailure(e -> forget(name, appender, e));
  }

  /**
   * A store is acknowledged only if this member kept its view while it ran: one that lost its quorum meanwhile
   * (it was cut off, or merged) may have stored on its side of a split only, so the outcome is unknown.
   */
  private Future<ChannelMessage> acknowledgeable(ChannelMessage stored, long generation) {
    return stored == null || view.stillServing(generation) ? Future.succeededFuture(stored)
        : Future.failedFuture(GatewayException.outcomeUnknown("this node lost its quorum while storing: the message"
            + " may be stored on its side of a split only; publish again with the same idempotency key"));
  }

  /**
   * A keyed publish takes its place in the channel's appender at once, and is stored there once its key is claimed
   * ({@link KeyClaims}); the key is stored with it, unless it is the signature's own. A claim in doubt is settled
   * by looking for the key in the backlog.
   */
  @Override
  public Future<Published> appendOnce(String name, IdempotencyKey key, long ts, String data, Signature signature,
      ProtoPayload proto) {
    if (!view.getAsBoolean()) {
      return Future.failedFuture(Outcomes.minority());
    }
    Context context = vertx.getOrCreateContext();
    Supplier<Future<Position>> findInBacklog = !keepsBacklog(name) ? null
        : () -> here(epoch(name)).compose(epoch -> KeyClaims.find(backlog(name), epoch, key.value(), context));
    KeyClaims.Attempt claim = claims.claim(name, key, findInBacklog);
    long generation = view.generation();
    Appender appender = appenders.computeIfAbsent(name, this::appender);
    return appender.append(ts, data, signature, proto, key.implicit() ? null : key.value(), claim.won(), context)
        .compose(stored -> acknowledgeable(stored, generation))
        .onFailure(e -> forget(name, appender, e))
        .transform(stored -> claim.settle(stored, name, ts, data, signature, proto));
  }

  /** A publish to a channel that does not exist leaves no entry behind: any name could be tried. */
  private void forget(String name, Appender appender, Throwable failure) {
    if (GatewayException.of(failure).code() == ErrorCode.CHANNEL_NOT_FOUND) {
      appenders.remove(name, appender);
    }
  }

  /** How many channels this node keeps per-channel state for (tests: it must not grow with unknown names). */
  int channelsTracked() {
    return appenders.size() + epochs.size();
  }

  /** A channel's batches go to its ringbuffer, or, without a backlog, only take offsets from the channel map. */
  private Appender appender(String name) {
    if (!policies.forChannel(name).keepsBacklog()) {
      return Appender.of(name, MAX_BATCH, batch -> stored(channels.submitToKey(name, new NextOffset(batch.size())))
          .compose(record -> record == null ? notFound(name)
              : Future.succeededFuture(new Position(record.epoch(), record.lastOffset()))));
    }
    int maxBatch = Math.min(MAX_BATCH, policies.forChannel(name).backlogSize());
    // the highest sequence this node stored: a store below it means the ringbuffer started over
    AtomicLong highest = new AtomicLong(-1);
    return Appender.of(name, maxBatch, batch -> epoch(name).compose(epoch ->
        stored(backlog(name).addAllAsync(batch, OverflowPolicy.OVERWRITE)).compose(last -> {
          long first = last - batch.size() + 1;
          long before = highest.getAndAccumulate(last, Math::max);
          Future<String> current = first == 0 || first <= before ? restart(name, epoch, true, LOST)
              // the cached epoch may predate a loss another node found: the first store here asks afresh
              : before < 0 ? afresh(name)
              : Future.succeededFuture(epoch);
          return current.map(e -> {
            lastAcked.put(name, new Acked(e, last + 1, batch.get(batch.size() - 1)));
            return new Position(e, last + 1);
          });
        })));
  }

  private Future<String> afresh(String name) {
    return record(name).map(ChannelRecord::epoch).onSuccess(e -> epochs.put(name, Future.succeededFuture(e)));
  }

  /**
   * The epoch to answer a read with: the record's, unless the backlog is empty although it has held messages (both
   * its copies were lost): then the channel moves to a new epoch before anyone is told an offset of the old one.
   */
  private Future<String> epochOf(String name, ChannelRecord record, long tail) {
    return tail < 0 && record.backlogUsed()
        ? restart(name, record.epoch(), false, LOST)
        : Future.succeededFuture(record.epoch());
  }

  /**
   * A backlog found starting over: marked on its first store ever, else moved to a new epoch
   * ({@link BacklogRestart}); the epoch to answer with, also cached.
   */
  private Future<String> restart(String name, String seenEpoch, boolean stored, String why) {
    return stored(channels.submitToKey(name, new BacklogRestart(seenEpoch, Epochs.next(), stored))).compose(record -> {
      if (record == null) {
        return notFound(name);
      }
      if (!record.epoch().equals(seenEpoch)) {
        LOG.log(System.Logger.Level.WARNING, "channel {0}: {1}; epoch {2} -> {3}", name, why, seenEpoch,
            record.epoch());
        epochs.put(name, Future.succeededFuture(record.epoch()));
      }
      return Future.succeededFuture(record.epoch());
    });
  }

  /**
   * Once the channel is known to exist, its record (for the current epoch), head and tail are asked for at once,
   * then the items: two round trips' wait (three for a channel this node has not seen yet), and no worker thread.
   */
  @Override
  public Future<BacklogPage> read(String name, long from, int limit) {
    if (!view.getAsBoolean()) {
      return Future.failedFuture(Outcomes.minorityRead());
    }
    if (!keepsBacklog(name)) {
      return record(name).map(r -> new BacklogPage(r.epoch(), r.lastOffset() + 1, r.lastOffset(), List.of()));
    }
    // the ringbuffer is touched only for a channel that exists: naming one creates it on its owner
    return here(epoch(name)).compose(known -> {
      Ringbuffer<Stored> backlog = backlog(name);
      Future<ChannelRecord> record = record(name);
      Future<Long> head = local(RingbufferBounds.head(backlog));
      Future<Long> tail = local(RingbufferBounds.tail(backlog));
      return Future.all(record, head, tail).compose(all -> epochOf(name, record.result(), tail.result()))
          .compose(epoch -> read(name, epoch, backlog, head.result(), tail.result(), from, limit));
    });
  }

  private Future<BacklogPage> read(String name, String epoch, Ringbuffer<Stored> backlog, long head, long tail,
      long from, int limit) {
    long start = Math.max(from - 1, head);
    long firstAvailable = tail >= head ? head + 1 : tail + 2;
    if (start > tail) {
      return Future.succeededFuture(new BacklogPage(epoch, firstAvailable, tail + 1, List.of()));
    }
    int count = (int) Math.min(Math.min(limit, MAX_READ), tail - start + 1);
    return local(backlog.readManyAsync(start, 0, count, null)).map(read -> {
      List<ChannelMessage> messages = new ArrayList<>(read.size());
      for (int i = 0; i < read.size(); i++) {
        Stored stored = read.get(i);
        messages.add(new ChannelMessage(name, epoch, read.getSequence(i) + 1, stored.ts(), stored.data(),
            stored.signature(), stored.proto()));
      }
      // items that expired after the head was read make the page start later than asked
      long first = read.size() > 0 && read.getSequence(0) > start ? read.getSequence(0) + 1 : firstAvailable;
      return new BacklogPage(epoch, Math.max(firstAvailable, first), tail + 1, messages);
    });
  }

  /** The admin listing (not a client's path): one blocking call per channel, on an unordered worker. */
  @Override
  public Future<List<ChannelInfo>> list() {
    return vertx.executeBlocking(() -> channels.entrySet().stream()
        .map(e -> new ChannelInfo(new Channel(e.getKey(), e.getValue().epoch(), e.getValue().createdAt()),
            keepsBacklog(e.getKey()) ? backlog(e.getKey()).tailSequence() + 1 : e.getValue().lastOffset()))
        .sorted(Comparator.comparing(i -> i.channel().name()))
        .toList(), false);
  }

  private Future<ChannelRecord> record(String name) {
    return local(channels.getAsync(name)).compose(r -> r == null ? notFound(name) : Future.succeededFuture(r));
  }

  private boolean keepsBacklog(String name) {
    return policies.forChannel(name).keepsBacklog();
  }

  private Ringbuffer<Stored> backlog(String name) {
    return hazelcast.getRingbuffer(BACKLOG_PREFIX + name);
  }

  private Future<String> epoch(String name) {
    Future<String> lookup = epochs.computeIfAbsent(name, n -> local(channels.getAsync(n))
        .compose(record -> record == null ? notFound(n) : Future.succeededFuture(record.epoch())));
    // a channel not found now may be created later: only a found epoch stays cached
    return lookup.onFailure(e -> epochs.remove(name, lookup));
  }

  /** A lookup shared between event loops (the cached epoch), completed on the caller's own context. */
  private <T> Future<T> here(Future<T> shared) {
    Context caller = vertx.getOrCreateContext();
    Promise<T> result = Promise.promise();
    shared.onComplete(ar -> caller.runOnContext(v -> result.handle(ar)));
    return result.future();
  }

  /** Hands Hazelcast's result back to the caller's context ({@link Outcomes#on}). */
  private <T> Future<T> local(CompletionStage<T> stage) {
    return Outcomes.on(vertx.getOrCreateContext(), stage, false);
  }

  /** {@link #local} for a write: a failure of unknown outcome says so ({@link Outcomes#ofWrite}). */
  private <T> Future<T> stored(CompletionStage<T> stage) {
    return Outcomes.on(vertx.getOrCreateContext(), stage, true);
  }

  private static <T> Future<T> notFound(String name) {
    return Future.failedFuture(new GatewayException(ErrorCode.CHANNEL_NOT_FOUND, "no such channel: " + name));
  }
}
