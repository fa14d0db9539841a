package stream.terminal.lastmile.channel;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import stream.terminal.lastmile.config.ChannelBounds;
import stream.terminal.lastmile.config.ChannelPolicies;
import stream.terminal.lastmile.config.ChannelPolicy;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.BacklogPage;
import stream.terminal.lastmile.core.IdempotencyKey;
import stream.terminal.lastmile.core.Published;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Signature;

/**
 * The registry of a node that is not clustered: channels and their backlogs in this JVM, safe from every event
 * loop. Each channel is guarded by its own lock, held only to number, store, copy or drop messages; no thread
 * holds two. All backlogs together stay within a byte budget ({@link BacklogBudget}), and {@link #sweep} drops
 * expired messages and idle channels that no request touches.
 */
public final class LocalChannelRegistry implements ChannelRegistry {
  private final ConcurrentMap<String, Entry> channels = new ConcurrentHashMap<>();
  /** Slots taken, reserved before insertion so that concurrent creates cannot overshoot the limit. */
  private final AtomicInteger taken = new AtomicInteger();
  private final int maxChannels;
  private final ChannelPolicies policies;
  private final BacklogBudget budget;
  private final long idleEvictMs;

  /** A registry without byte budget or idle eviction (tests, tools). */
  public LocalChannelRegistry(int maxChannels, ChannelPolicies policies) {
    this(maxChannels, policies, ChannelBounds.NONE);
  }

  /**
   * @param maxChannels how many channels may exist, so a publisher bug cannot exhaust memory
   * @param bounds the byte budget of all backlogs and how long an idle channel is kept
   */
  public LocalChannelRegistry(int maxChannels, ChannelPolicies policies, ChannelBounds bounds) {
    this.maxChannels = maxChannels;
    this.policies = policies;
    this.budget = new BacklogBudget(bounds.backlogMaxBytes());
    this.idleEvictMs = bounds.idleEvictSeconds() * 1000L;
  }

  /**
   * A channel, its last offset and its backlog (oldest first), trimmed by count on append, by age on use and by
   * each sweep, and by the node's byte budget. Every removal goes through {@link #dropOldest} so the budget's
   * count stays exact.
   */
  final class Entry {
    final Channel channel;
    final ChannelPolicy policy;
    final ArrayDeque<ChannelMessage> backlog = new ArrayDeque<>();
    long lastOffset;
    /** What {@link BacklogBudget#size} counts for this backlog. */
    long bytes;
    /** The last create or publish: an idle channel is evicted some time after it. */
    long lastActivity;
    /** Set, under the entry's lock, when the channel is evicted: a publish that still holds it must not store. */
    boolean removed;
    /** Idempotency keys seen, in the order first seen, each with its message's offset and when it is forgotten. */
    final LinkedHashMap<String, SeenKey> keys = new LinkedHashMap<>();

    Entry(Channel channel, ChannelPolicy policy) {
      this.channel = channel;
      this.policy = policy;
      this.lastActivity = channel.createdAt();
    }

    void expire(long now) {
      long oldest = now - policy.backlogTtlSeconds() * 1000L;
      while (!backlog.isEmpty() && backlog.peekFirst().ts() < oldest) {
        dropOldest();
      }
    }

    /** Drops the oldest stored message; returns the bytes it freed. */
    long dropOldest() {
      long freed = BacklogBudget.size(backlog.removeFirst());
      bytes -= freed;
      budget.released(freed);
      return freed;
    }

    /**
     * Forgets the keys whose window has passed, oldest first. A key with a shorter window than one before it (a
     * signature's) stays until that one goes; {@link #appendOnce} checks each key's own time.
     */
    void forgetKeys(long now) {
      for (Iterator<SeenKey> it = keys.values().iterator(); it.hasNext(); ) {
        if (it.next().forgetAt() > now) {
          break;
        }
        it.remove();
      }
    }

    long firstAvailable() {
      return backlog.isEmpty() ? lastOffset + 1 : backlog.peekFirst().offset();
    }
  }

  @Override
  public Future<Channel> create(String name) {
    if (channels.containsKey(name)) {
      return exists(name);
    }
    if (taken.incrementAndGet() > maxChannels) {
      taken.decrementAndGet();
      return Future.failedFuture(
          new GatewayException(ErrorCode.LIMIT_EXCEEDED, "channel limit reached (" + maxChannels + ")"));
    }
    Entry fresh = new Entry(new Channel(name, Epochs.next(), System.currentTimeMillis()), policies.forChannel(name));
    if (channels.putIfAbsent(name, fresh) != null) {
      taken.decrementAndGet();
      return exists(name);
    }
    return Future.succeededFuture(fresh.channel);
  }

  @Override
  public Future<ChannelInfo> get(String name) {
    Entry entry = channels.get(name);
    if (entry == null) {
      return notFound(name);
    }
    synchronized (entry) {
      return Future.succeededFuture(new ChannelInfo(entry.channel, entry.lastOffset));
    }
  }

  /** An idempotency key's message offset, and when the key stops counting. */
  private record SeenKey(long offset, long forgetAt) {}

  @Override
  public Future<ChannelMessage> append(String name, long ts, String data, Signature signature, ProtoPayload proto) {
    return locked(name, entry -> store(entry, ts, data, signature, proto));
  }

  /** A key's check and its message's store are one step under the channel's lock: two racing repeats store once. */
  @Override
  public Future<Published> appendOnce(String name, IdempotencyKey key, long ts, String data, Signature signature,
      ProtoPayload proto) {
    return locked(name, entry -> {
      long now = System.currentTimeMillis();
      entry.forgetKeys(now);
      SeenKey seen = entry.keys.get(key.value());
      if (seen != null && seen.forgetAt() > now) {
        return new Published(
            new ChannelMessage(name, entry.channel.epoch(), seen.offset(), ts, data, signature, proto), true);
      }
      ChannelMessage message = store(entry, ts, data, signature, proto);
      entry.keys.remove(key.value()); // a key past its window goes to the end, with its new time
      entry.keys.put(key.value(), new SeenKey(message.offset(), now + key.windowSeconds() * 1000L));
      return Published.stored(message);
    });
  }

  /** Runs {@code action} under the lock of the channel, unless there is no such channel (any more). */
  private <T> Future<T> locked(String name, Function<Entry, T> action) {
    Entry entry = channels.get(name);
    if (entry == null) {
      return notFound(name);
    }
    T result;
    synchronized (entry) {
      if (entry.removed) {
        return notFound(name);
      }
      result = action.apply(entry);
    }
    // outside the entry's lock: trimming takes the locks of other channels, one at a time
    budget.enforce(channels.values());
    return Future.succeededFuture(result);
  }

  /** Numbers and keeps one message; the caller holds the entry's lock. */
  private ChannelMessage store(Entry entry, long ts, String data, Signature signature, ProtoPayload proto) {
    ChannelMessage message = new ChannelMessage(
        entry.channel.name(), entry.channel.epoch(), ++entry.lastOffset, ts, data, signature, proto);
    entry.lastActivity = ts;
    if (entry.policy.keepsBacklog()) {
      entry.backlog.addLast(message);
      long size = BacklogBudget.size(message);
      entry.bytes += size;
      budget.taken(size);
      if (entry.backlog.size() > entry.policy.backlogSize()) {
        entry.dropOldest();
      }
      entry.expire(ts);
    }
    return message;
  }

  /**
   * Drops expired messages from every backlog, so the TTL holds for channels no request touches, and evicts the
   * channels idle for longer than the configured time: backlog empty, no publish since, and {@code keep} false
   * (it says which channels have subscribers on this node or are declared). A publisher of an evicted channel
   * gets {@code channel_not_found} (or, with {@code create_on_publish}, a fresh channel with a new epoch); a
   * subscriber resuming it gets the new epoch and {@code recovered: false}.
   *
   * @return how many channels were evicted
   */
  public int sweep(long now, Predicate<String> keep) {
    int evicted = 0;
    for (Entry entry : channels.values()) {
      synchronized (entry) {
        entry.expire(now);
        entry.forgetKeys(now);
        if (idleEvictMs == 0 || !entry.backlog.isEmpty() || now - entry.lastActivity < idleEvictMs
            || keep.test(entry.channel.name())) {
          continue;
        }
        entry.removed = true;
      }
      if (channels.remove(entry.channel.name(), entry)) {
        taken.decrementAndGet();
        evicted++;
      }
    }
    return evicted;
  }

  /** The bytes all backlogs hold, as the budget counts them. */
  public long backlogBytes() {
    return budget.used();
  }

  /** How many messages the budget has dropped before their time since the node started. */
  public long trimmed() {
    return budget.trimmed();
  }

  @Override
  public Future<BacklogPage> read(String name, long from, int limit) {
    Entry entry = channels.get(name);
    if (entry == null) {
      return notFound(name);
    }
    synchronized (entry) {
      entry.expire(System.currentTimeMillis());
      if (from > entry.lastOffset) {
        return Future.succeededFuture(
            new BacklogPage(entry.channel.epoch(), entry.firstAvailable(), entry.lastOffset, List.of()));
      }
      List<ChannelMessage> page = new ArrayList<>(Math.min(limit, entry.backlog.size()));
      for (ChannelMessage m : entry.backlog) {
        if (page.size() == limit) {
          break;
        }
        if (m.offset() >= from) {
          page.add(m);
        }
      }
      return Future.succeededFuture(
          new BacklogPage(entry.channel.epoch(), entry.firstAvailable(), entry.lastOffset, page));
    }
  }

  @Override
  public Future<List<ChannelInfo>> list() {
    List<ChannelInfo> all = new ArrayList<>();
    for (Entry e : channels.values()) {
      synchronized (e) {
        all.add(new ChannelInfo(e.channel, e.lastOffset));
      }
    }
    all.sort(Comparator.comparing(info -> info.channel().name()));
    return Future.succeededFuture(all);
  }

  private static <T> Future<T> exists(String name) {
    return Future.failedFuture(new GatewayException(ErrorCode.CHANNEL_EXISTS, "channel exists: " + name));
  }

  private static <T> Future<T> notFound(String name) {
    return Future.failedFuture(new GatewayException(ErrorCode.CHANNEL_NOT_FOUND, "no such channel: " + name));
  }
}
