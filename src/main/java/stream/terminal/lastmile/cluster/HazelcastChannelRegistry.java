package stream.terminal.lastmile.cluster;

import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
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
import stream.terminal.lastmile.core.Position;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Signature;

/**
 * Channels shared by the cluster. Existence and epoch live in a Hazelcast map: {@code putIfAbsent} lets exactly
 * one of two racing creates win. A channel that keeps a backlog stores it in its own ringbuffer (capacity and
 * TTL from its policy, one backup copy): the ringbuffer's sequence is the channel's offset, so numbering and
 * storing are one atomic operation on the ringbuffer's owner, acknowledged once the backup has it. A channel
 * without backlog takes its offsets from an entry processor on the map instead. Either way a node stores a
 * channel's publishes in batches, one at a time ({@link Appender}).
 */
public final class HazelcastChannelRegistry implements ChannelRegistry {
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
  /** Epoch lookups by channel: a channel keeps its epoch as long as it exists, so one lookup per channel will do. */
  private final ConcurrentMap<String, Future<String>> epochs = new ConcurrentHashMap<>();
  /** Each channel's group commit on this node. */
  private final ConcurrentMap<String, Appender> appenders = new ConcurrentHashMap<>();

  public HazelcastChannelRegistry(Vertx vertx, HazelcastInstance hazelcast, int maxChannels, ChannelPolicies policies) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.channels = hazelcast.getMap(MAP);
    this.maxChannels = maxChannels;
    this.policies = policies;
  }

  @Override
  public Future<Channel> create(String name) {
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
            .setBackupCount(1));
      }
      return channels.putIfAbsent(name, fresh);
    }, false).compose(previous -> previous == null
        ? Future.succeededFuture(new Channel(name, fresh.epoch(), fresh.createdAt()))
        : Future.failedFuture(new GatewayException(ErrorCode.CHANNEL_EXISTS, "channel exists: " + name)));
  }

  /**
   * Once the channel is known to exist, its record and its backlog's tail are asked for at once: one round
   * trip's wait (two for a channel this node has not seen yet), and no worker thread.
   */
  @Override
  public Future<ChannelInfo> get(String name) {
    if (!keepsBacklog(name)) {
      return record(name).map(r -> new ChannelInfo(new Channel(name, r.epoch(), r.createdAt()), r.lastOffset()));
    }
    return here(epoch(name)).compose(known -> {
      Future<ChannelRecord> record = record(name);
      Future<Long> tail = local(RingbufferBounds.tail(backlog(name)));
      return Future.all(record, tail).map(both -> new ChannelInfo(
          new Channel(name, record.result().epoch(), record.result().createdAt()), tail.result() + 1));
    });
  }

  @Override
  public Future<ChannelMessage> append(String name, long ts, String data, Signature signature, ProtoPayload proto) {
    Appender appender = appenders.computeIfAbsent(name, this::appender);
    return appender.append(ts, data, signature, proto, vertx.getOrCreateContext()).onFailure(e -> forget(name, appender, e));
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
      return Appender.of(name, MAX_BATCH, batch -> storing(channels.submitToKey(name, new NextOffset(batch.size())))
          .compose(record -> record == null ? notFound(name)
              : Future.succeededFuture(new Position(record.epoch(), record.lastOffset()))));
    }
    int maxBatch = Math.min(MAX_BATCH, policies.forChannel(name).backlogSize());
    return Appender.of(name, maxBatch, batch -> epoch(name).compose(epoch ->
        storing(backlog(name).addAllAsync(batch, OverflowPolicy.OVERWRITE))
            .map(lastSequence -> new Position(epoch, lastSequence + 1))));
  }

  /**
   * Once the channel is known to exist, its record (for the current epoch), head and tail are asked for at once,
   * then the items: two round trips' wait (three for a channel this node has not seen yet), and no worker thread.
   */
  @Override
  public Future<BacklogPage> read(String name, long from, int limit) {
    if (!keepsBacklog(name)) {
      return record(name).map(r -> new BacklogPage(r.epoch(), r.lastOffset() + 1, r.lastOffset(), List.of()));
    }
    // the ringbuffer is touched only for a channel that exists: naming one creates it on its owner
    return here(epoch(name)).compose(known -> {
      Ringbuffer<Stored> backlog = backlog(name);
      Future<ChannelRecord> record = record(name);
      Future<Long> head = local(RingbufferBounds.head(backlog));
      Future<Long> tail = local(RingbufferBounds.tail(backlog));
      return Future.all(record, head, tail).compose(all ->
          read(name, record.result().epoch(), backlog, head.result(), tail.result(), from, limit));
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

  /**
   * Hands Hazelcast's result back to the caller's context. The callback runs on the thread that completes the
   * stage: Hazelcast's default callback executor starts a new thread per callback when the JVM's common pool has
   * a single thread (any two-core machine), which capped publishing at a few hundred messages a second. A read
   * whose member left is {@code unavailable}: try again.
   */
  private <T> Future<T> local(CompletionStage<T> stage) {
    return on(vertx.getOrCreateContext(), stage).recover(e -> Future.failedFuture(memberLost(e)
        ? new GatewayException(ErrorCode.UNAVAILABLE, "the cluster member holding it left; try again") : e));
  }

  /**
   * A store: a member that leaves while it runs one leaves its outcome unknown, and Hazelcast does not run it
   * again (it could apply twice). The publisher is told so, and may publish again.
   */
  private <T> Future<T> storing(CompletionStage<T> stage) {
    return on(vertx.getOrCreateContext(), stage).recover(e -> Future.failedFuture(memberLost(e)
        ? GatewayException.outcomeUnknown("not confirmed: the cluster member storing it left ("
            + cause(e).getClass().getSimpleName() + "); it may or may not be stored")
        : e));
  }

  private static <T> Future<T> on(Context context, CompletionStage<T> stage) {
    Promise<T> result = Promise.promise();
    stage.whenCompleteAsync((value, failure) -> context.runOnContext(v -> {
      if (failure != null) {
        result.fail(failure);
      } else {
        result.complete(value);
      }
    }), Runnable::run);
    return result.future();
  }

  private static boolean memberLost(Throwable failure) {
    Throwable cause = cause(failure);
    return cause instanceof MemberLeftException || cause instanceof TargetNotMemberException;
  }

  private static Throwable cause(Throwable failure) {
    return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
  }

  private static <T> Future<T> notFound(String name) {
    return Future.failedFuture(new GatewayException(ErrorCode.CHANNEL_NOT_FOUND, "no such channel: " + name));
  }
}
