package stream.terminal.lastmile.channel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.bus.Addresses;
import stream.terminal.lastmile.bus.ChannelMessageCodec;
import java.time.Clock;
import stream.terminal.lastmile.config.ChannelPolicies;
import stream.terminal.lastmile.config.IdentityConfig;
import stream.terminal.lastmile.identity.MessageSignatures;
import stream.terminal.lastmile.protobuf.ProtoTypes;
import stream.terminal.lastmile.metrics.GatewayMetrics;
import stream.terminal.lastmile.core.IdempotencyKey;
import stream.terminal.lastmile.core.Published;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Signature;
import stream.terminal.lastmile.core.BacklogPage;

/** Publishing: no node-wide lock, and a connection's publishes still reach the bus in the order it sent them. */
class PublisherTest {
  private final Vertx vertx = Vertx.vertx();

  @BeforeEach
  void codec() {
    vertx.eventBus().registerDefaultCodec(ChannelMessage.class, new ChannelMessageCodec());
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** A registry that only stores: the publisher under test calls nothing else. */
  private abstract static class AppendOnlyRegistry implements ChannelRegistry {
    @Override
    public Future<Channel> create(String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<ChannelInfo> get(String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<BacklogPage> read(String name, long from, int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Published> appendOnce(String name, IdempotencyKey key, long ts, String data, Signature signature,
        ProtoPayload proto) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<List<ChannelInfo>> list() {
      throw new UnsupportedOperationException();
    }
  }

  /**
   * A registry whose append for channel "slow" holds its caller's thread until released, as a Hazelcast proxy
   * lookup or a first ringbuffer creation can; every other channel answers at once.
   */
  private static final class SlowRegistry extends AppendOnlyRegistry {
    final CountDownLatch slowEntered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicLong offsets = new AtomicLong();

    @Override
    public Future<ChannelMessage> append(String name, long ts, String data, Signature signature, ProtoPayload proto) {
      if (name.equals("slow")) {
        slowEntered.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return Future.succeededFuture(new ChannelMessage(name, "e", offsets.incrementAndGet(), ts, data));
    }
  }

  @Test
  void aPublishStuckInTheRegistryHoldsUpNoOtherChannel() throws Exception {
    SlowRegistry registry = new SlowRegistry();
    Publisher publisher =
        new Publisher(registry, ChannelPolicies.defaults(), new MessageSignatures(IdentityConfig.NONE, Clock.systemUTC()),
            ProtoTypes.NONE, vertx.eventBus(), new GatewayMetrics(new SimpleMeterRegistry()));
    CompletableFuture<Void> stuck = CompletableFuture.runAsync(() -> publisher.publish("slow", "1", null, null));
    try {
      assertTrue(registry.slowEntered.await(10, TimeUnit.SECONDS));
      CompletableFuture<ChannelMessage> other =
          CompletableFuture.supplyAsync(() -> publisher.publish("fast", "2", null, null).toCompletionStage().toCompletableFuture().join().message());
      assertEquals("fast", other.get(10, TimeUnit.SECONDS).channel(), "a publish elsewhere went through meanwhile");
    } finally {
      registry.release.countDown();
      stuck.get(10, TimeUnit.SECONDS);
    }
  }

  /** Stores that finish in reverse order, as pipelined cluster stores can. */
  private static final class ReversingRegistry extends AppendOnlyRegistry {
    final List<Promise<ChannelMessage>> pending = new CopyOnWriteArrayList<>();
    final AtomicLong offsets = new AtomicLong();

    @Override
    public Future<ChannelMessage> append(String name, long ts, String data, Signature signature, ProtoPayload proto) {
      Promise<ChannelMessage> stored = Promise.promise();
      pending.add(stored);
      long offset = offsets.incrementAndGet();
      return stored.future().map(m -> new ChannelMessage(name, "e", offset, ts, data));
    }
  }

  @Test
  void aConnectionsPublishesReachTheBusInTheOrderItSentThem() throws Exception {
    ReversingRegistry registry = new ReversingRegistry();
    Publisher publisher =
        new Publisher(registry, ChannelPolicies.defaults(), new MessageSignatures(IdentityConfig.NONE, Clock.systemUTC()),
            ProtoTypes.NONE, vertx.eventBus(), new GatewayMetrics(new SimpleMeterRegistry()));
    List<Long> onBus = new CopyOnWriteArrayList<>();
    vertx.eventBus().<ChannelMessage>localConsumer(Addresses.channel("order"), m -> onBus.add(m.body().offset()))
        .completion().await();
    Future<?> tail = Future.succeededFuture();
    for (int i = 1; i <= 5; i++) {
      tail = publisher.publish("order", String.valueOf(i), null, null, tail);
    }
    for (int i = registry.pending.size() - 1; i >= 0; i--) {
      registry.pending.get(i).complete(null);
    }
    tail.await(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> onBus.size() == 5);
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), onBus);
  }
}
