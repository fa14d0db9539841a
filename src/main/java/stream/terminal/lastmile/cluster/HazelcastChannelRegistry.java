package stream.terminal.lastmile.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import stream.terminal.lastmile.channel.Channel;
import stream.terminal.lastmile.channel.ChannelInfo;
import stream.terminal.lastmile.channel.ChannelRegistry;
import stream.terminal.lastmile.channel.Epochs;
import stream.terminal.lastmile.protocol.ErrorCode;
import stream.terminal.lastmile.protocol.GatewayException;
import stream.terminal.lastmile.protocol.Position;

/**
 * Channels shared by the cluster in a Hazelcast map (one backup copy): a channel created through any node exists
 * on all of them, {@code putIfAbsent} lets exactly one of two racing creates win, and offsets come from an entry
 * processor on the key's owner. Every future completes on the calling context.
 */
public final class HazelcastChannelRegistry implements ChannelRegistry {
  /** The map's name; conf/cluster.xml sets its backup count. */
  public static final String MAP = "lastmile.channels";

  private final Vertx vertx;
  private final IMap<String, ChannelRecord> channels;
  private final int maxChannels;

  public HazelcastChannelRegistry(Vertx vertx, HazelcastInstance hazelcast, int maxChannels) {
    this.vertx = vertx;
    this.channels = hazelcast.getMap(MAP);
    this.maxChannels = maxChannels;
  }

  @Override
  public Future<Channel> create(String name) {
    ChannelRecord fresh = new ChannelRecord(Epochs.next(), System.currentTimeMillis(), 0);
    // IMap has no asynchronous putIfAbsent: run it on a worker. The size check is cluster-wide but not atomic
    // with the insert, so racing creates may pass the limit by a few.
    return vertx.<ChannelRecord>executeBlocking(() -> {
      if (channels.size() >= maxChannels) {
        throw new GatewayException(ErrorCode.LIMIT_EXCEEDED, "channel limit reached (" + maxChannels + ")");
      }
      return channels.putIfAbsent(name, fresh);
    }).compose(previous -> previous == null
        ? Future.succeededFuture(new Channel(name, fresh.epoch(), fresh.createdAt()))
        : Future.failedFuture(new GatewayException(ErrorCode.CHANNEL_EXISTS, "channel exists: " + name)));
  }

  @Override
  public Future<ChannelInfo> get(String name) {
    return local(channels.getAsync(name)).compose(record -> record == null ? notFound(name)
        : Future.succeededFuture(info(name, record)));
  }

  @Override
  public Future<Position> next(String name) {
    return local(channels.submitToKey(name, NextOffset.INSTANCE)).compose(record -> record == null ? notFound(name)
        : Future.succeededFuture(new Position(record.epoch(), record.lastOffset())));
  }

  @Override
  public Future<List<ChannelInfo>> list() {
    return vertx.executeBlocking(() -> channels.entrySet().stream()
        .map(e -> info(e.getKey(), e.getValue()))
        .sorted(Comparator.comparing(i -> i.channel().name()))
        .toList());
  }

  private static ChannelInfo info(String name, ChannelRecord record) {
    return new ChannelInfo(new Channel(name, record.epoch(), record.createdAt()), record.lastOffset());
  }

  /**
   * Hands Hazelcast's result back to the caller's context. The callback runs on the thread that completes the
   * stage: Hazelcast's default callback executor starts a new thread per callback when the JVM's common pool has
   * a single thread (any two-core machine), which capped publishing at a few hundred messages a second.
   */
  private <T> Future<T> local(CompletionStage<T> stage) {
    Context context = vertx.getOrCreateContext();
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

  private static <T> Future<T> notFound(String name) {
    return Future.failedFuture(new GatewayException(ErrorCode.CHANNEL_NOT_FOUND, "no such channel: " + name));
  }
}
