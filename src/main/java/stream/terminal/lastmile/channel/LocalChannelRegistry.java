package stream.terminal.lastmile.channel;

import io.vertx.core.Future;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import stream.terminal.lastmile.protocol.ErrorCode;
import stream.terminal.lastmile.protocol.GatewayException;
import stream.terminal.lastmile.protocol.Position;

/** The registry of a node that is not clustered: channels in one JVM, safe from every event loop. */
public final class LocalChannelRegistry implements ChannelRegistry {
  private final ConcurrentMap<String, Entry> channels = new ConcurrentHashMap<>();
  /** Slots taken, reserved before insertion so that concurrent creates cannot overshoot the limit. */
  private final AtomicInteger taken = new AtomicInteger();
  private final int maxChannels;

  /** @param maxChannels how many channels may exist, so a publisher bug cannot exhaust memory */
  public LocalChannelRegistry(int maxChannels) {
    this.maxChannels = maxChannels;
  }

  private record Entry(Channel channel, AtomicLong offset) {}

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
    Entry fresh = new Entry(new Channel(name, Epochs.next(), System.currentTimeMillis()), new AtomicLong());
    if (channels.putIfAbsent(name, fresh) != null) {
      taken.decrementAndGet();
      return exists(name);
    }
    return Future.succeededFuture(fresh.channel());
  }

  @Override
  public Future<ChannelInfo> get(String name) {
    Entry entry = channels.get(name);
    if (entry == null) {
      return notFound(name);
    }
    return Future.succeededFuture(new ChannelInfo(entry.channel(), entry.offset().get()));
  }

  @Override
  public Future<Position> next(String name) {
    Entry entry = channels.get(name);
    if (entry == null) {
      return notFound(name);
    }
    return Future.succeededFuture(new Position(entry.channel().epoch(), entry.offset().incrementAndGet()));
  }

  @Override
  public Future<List<ChannelInfo>> list() {
    return Future.succeededFuture(
        channels.values().stream()
            .map(e -> new ChannelInfo(e.channel(), e.offset().get()))
            .sorted(Comparator.comparing(info -> info.channel().name()))
            .toList());
  }

  private static <T> Future<T> exists(String name) {
    return Future.failedFuture(new GatewayException(ErrorCode.CHANNEL_EXISTS, "channel exists: " + name));
  }

  private static <T> Future<T> notFound(String name) {
    return Future.failedFuture(new GatewayException(ErrorCode.CHANNEL_NOT_FOUND, "no such channel: " + name));
  }
}
