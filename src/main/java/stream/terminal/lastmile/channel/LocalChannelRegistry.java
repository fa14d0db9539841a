package stream.terminal.lastmile.channel;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import stream.terminal.lastmile.config.ChannelPolicies;
import stream.terminal.lastmile.config.ChannelPolicy;
import stream.terminal.lastmile.protocol.ChannelMessage;
import stream.terminal.lastmile.protocol.ErrorCode;
import stream.terminal.lastmile.protocol.GatewayException;

/**
 * The registry of a node that is not clustered: channels and their backlogs in this JVM, safe from every event
 * loop. Each channel is guarded by its own lock, held only to number, store or copy messages.
 */
public final class LocalChannelRegistry implements ChannelRegistry {
  private final ConcurrentMap<String, Entry> channels = new ConcurrentHashMap<>();
  /** Slots taken, reserved before insertion so that concurrent creates cannot overshoot the limit. */
  private final AtomicInteger taken = new AtomicInteger();
  private final int maxChannels;
  private final ChannelPolicies policies;

  /** @param maxChannels how many channels may exist, so a publisher bug cannot exhaust memory */
  public LocalChannelRegistry(int maxChannels, ChannelPolicies policies) {
    this.maxChannels = maxChannels;
    this.policies = policies;
  }

  /** A channel, its last offset and its backlog (oldest first), trimmed by size on append and by age on use. */
  private static final class Entry {
    final Channel channel;
    final ChannelPolicy policy;
    final ArrayDeque<ChannelMessage> backlog = new ArrayDeque<>();
    long lastOffset;

    Entry(Channel channel, ChannelPolicy policy) {
      this.channel = channel;
      this.policy = policy;
    }

    void expire(long now) {
      long oldest = now - policy.backlogTtlSeconds() * 1000L;
      while (!backlog.isEmpty() && backlog.peekFirst().ts() < oldest) {
        backlog.removeFirst();
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

  @Override
  public Future<ChannelMessage> append(String name, long ts, String data) {
    Entry entry = channels.get(name);
    if (entry == null) {
      return notFound(name);
    }
    synchronized (entry) {
      ChannelMessage message = new ChannelMessage(name, entry.channel.epoch(), ++entry.lastOffset, ts, data);
      if (entry.policy.keepsBacklog()) {
        entry.backlog.addLast(message);
        if (entry.backlog.size() > entry.policy.backlogSize()) {
          entry.backlog.removeFirst();
        }
        entry.expire(ts);
      }
      return Future.succeededFuture(message);
    }
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
