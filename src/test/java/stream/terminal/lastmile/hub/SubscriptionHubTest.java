package stream.terminal.lastmile.hub;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.bus.Addresses;
import stream.terminal.lastmile.bus.ChannelMessageCodec;
import stream.terminal.lastmile.channel.ChannelRegistry;
import stream.terminal.lastmile.channel.LocalChannelRegistry;
import stream.terminal.lastmile.config.ChannelPolicies;
import stream.terminal.lastmile.metrics.GatewayMetrics;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Dialect;
import stream.terminal.lastmile.protocol.TextFrame;
import stream.terminal.lastmile.support.HeldLookups;

/** The node's fan-out: one consumer per channel, one encoding per dialect, each subscriber on its own loop. */
class SubscriptionHubTest {
  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private ChannelRegistry registry;

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** Records the frames it is given and the thread that gave them. */
  private static final class Recorder extends Subscriber {
    final Dialect dialect;
    final List<TextFrame> frames = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new CopyOnWriteArrayList<>();
    final CountDownLatch received;

    Recorder(Dialect dialect, CountDownLatch received) {
      this.dialect = dialect;
      this.received = received;
    }

    @Override
    public Dialect dialect() {
      return dialect;
    }

    @Override
    public boolean deliver(ChannelMessage message, TextFrame frame) {
      frames.add(frame);
      threads.add(Thread.currentThread());
      received.countDown();
      return true;
    }
  }

  /** A hub on a node with channels hub.c and hub.interest, without tail checks. */
  private SubscriptionHub startHub() {
    return startHub(0);
  }

  /** @param tailCheckMs 0 for no tail checks */
  private SubscriptionHub startHub(long tailCheckMs) {
    LocalChannelRegistry registry = new LocalChannelRegistry(10, ChannelPolicies.defaults());
    registry.create("hub.c").await();
    registry.create("hub.interest").await();
    return startHub(registry, tailCheckMs);
  }

  private SubscriptionHub startHub(ChannelRegistry registry, long tailCheckMs) {
    vertx.eventBus().registerDefaultCodec(ChannelMessage.class, new ChannelMessageCodec());
    SubscriptionHub hub = new SubscriptionHub(new GatewayMetrics(meters), registry, 100, 1000, tailCheckMs);
    vertx.deployVerticle(hub).await();
    this.registry = registry;
    return hub;
  }

  /** The channel's next message, stored as an ingest node would before it publishes it. */
  private ChannelMessage real(String channel) {
    return registry.append(channel, System.currentTimeMillis(), "\"hi\"", null, null).await();
  }

  private static <T> T on(Context context, Function<Void, Future<T>> action) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> action.apply(null).onComplete(done));
    return done.future().await();
  }

  @Test
  void eachMessageIsEncodedOncePerDialectAndReachesEverySubscriberOnItsOwnLoop() throws Exception {
    SubscriptionHub hub = startHub();
    List<Context> loops = List.of(vertx.getOrCreateContext(), vertx.getOrCreateContext());
    CountDownLatch received = new CountDownLatch(2 * 40);
    List<Recorder> recorders = new ArrayList<>();
    for (Context loop : loops) {
      LocalFanout fanout = on(loop, v -> Future.succeededFuture(hub.fanout(loop)));
      for (int i = 0; i < 40; i++) {
        Recorder recorder = new Recorder(i % 4 == 0 ? Dialect.LEGACY : Dialect.NATIVE, received);
        recorders.add(recorder);
        on(loop, v -> fanout.add("hub.c", recorder));
      }
    }

    vertx.eventBus().publish(Addresses.channel("hub.c"), real("hub.c"));
    assertTrue(received.await(10, TimeUnit.SECONDS));

    TextFrame nativeFrame = null;
    TextFrame legacyFrame = null;
    for (Recorder r : recorders) {
      assertEquals(1, r.frames.size(), "exactly one delivery per subscriber");
      if (r.dialect == Dialect.NATIVE) {
        nativeFrame = nativeFrame == null ? r.frames.get(0) : nativeFrame;
        assertSame(nativeFrame, r.frames.get(0), "one native encoding shared by every subscriber");
      } else {
        legacyFrame = legacyFrame == null ? r.frames.get(0) : legacyFrame;
        assertSame(legacyFrame, r.frames.get(0), "one legacy encoding shared by every subscriber");
      }
    }
    assertEquals("{\"ChannelMessage\":[\"hub.c\",{\"Text\":\"hi\"}]}", legacyFrame.toString());
    assertTrue(nativeFrame.toString().startsWith("{\"type\":\"message\""));
    // subscribers of the first loop were called on one thread, those of the second on theirs
    assertEquals(1, recorders.subList(0, 40).stream().map(r -> r.threads.get(0)).distinct().count());
    assertEquals(1, recorders.subList(40, 80).stream().map(r -> r.threads.get(0)).distinct().count());
  }

  @Test
  void theChannelIsConsumedOnlyWhileTheNodeHasSubscribers() throws Exception {
    SubscriptionHub hub = startHub();
    Context loop = vertx.getOrCreateContext();
    LocalFanout fanout = on(loop, v -> Future.succeededFuture(hub.fanout(loop)));
    Recorder a = new Recorder(Dialect.NATIVE, new CountDownLatch(1));
    Recorder b = new Recorder(Dialect.NATIVE, new CountDownLatch(1));
    assertNoConsumer("hub.interest");
    on(loop, v -> fanout.add("hub.interest", a));
    on(loop, v -> fanout.add("hub.interest", b));
    on(loop, v -> {
      fanout.remove("hub.interest", a);
      return Future.succeededFuture();
    });
    vertx.eventBus().publish(Addresses.channel("hub.interest"), real("hub.interest"));
    assertTrue(b.received.await(10, TimeUnit.SECONDS));
    assertEquals(0, a.frames.size());
    on(loop, v -> {
      fanout.remove("hub.interest", b);
      return Future.succeededFuture();
    });
    assertNoConsumerEventually("hub.interest");
  }

  @Test
  void aMessageWithAnEpochTheRegistryDoesNotKnowIsDroppedAndDeliveryGoesOn() throws Exception {
    SubscriptionHub hub = startHub();
    Context loop = vertx.getOrCreateContext();
    LocalFanout fanout = on(loop, v -> Future.succeededFuture(hub.fanout(loop)));
    Recorder recorder = new Recorder(Dialect.NATIVE, new CountDownLatch(2));
    on(loop, v -> fanout.add("hub.c", recorder));

    ChannelMessage one = real("hub.c");
    vertx.eventBus().publish(Addresses.channel("hub.c"), real("hub.c")); // offset 2 waits for offset 1
    vertx.eventBus().publish(Addresses.channel("hub.c"), new ChannelMessage("hub.c", "forged", 1, 5, "\"x\""));
    await().atMost(Duration.ofSeconds(10)).until(() -> dropped("unknown_epoch") == 1);
    vertx.eventBus().publish(Addresses.channel("hub.c"), one);

    assertTrue(recorder.received.await(10, TimeUnit.SECONDS));
    assertEquals(List.of(1L, 2L), recorder.frames.stream()
        .map(f -> new io.vertx.core.json.JsonObject(f.toString()).getLong("offset")).toList(),
        "the forged message neither reached the subscriber nor made the hub forget offset 2");
  }

  @Test
  void anEpochTheRegistryConfirmsRestartsTheChannel() throws Exception {
    LocalChannelRegistry first = new LocalChannelRegistry(10, ChannelPolicies.defaults());
    first.create("hub.c").await();
    LocalChannelRegistry recreated = new LocalChannelRegistry(10, ChannelPolicies.defaults());
    recreated.create("hub.c").await();
    // the registry the hub asks: the first epoch while it subscribes, the re-created one afterwards
    java.util.concurrent.atomic.AtomicReference<ChannelRegistry> current = new java.util.concurrent.atomic.AtomicReference<>(first);
    SubscriptionHub hub = startHub((ChannelRegistry) java.lang.reflect.Proxy.newProxyInstance(
        ChannelRegistry.class.getClassLoader(), new Class<?>[] {ChannelRegistry.class},
        (proxy, method, args) -> method.invoke(current.get(), args)), 0);
    Context loop = vertx.getOrCreateContext();
    LocalFanout fanout = on(loop, v -> Future.succeededFuture(hub.fanout(loop)));
    Recorder recorder = new Recorder(Dialect.NATIVE, new CountDownLatch(1));
    on(loop, v -> fanout.add("hub.c", recorder));

    current.set(recreated);
    vertx.eventBus().publish(Addresses.channel("hub.c"), real("hub.c"));
    assertTrue(recorder.received.await(10, TimeUnit.SECONDS));
    assertEquals(0, dropped("unknown_epoch"));
  }

  private double dropped(String reason) {
    return meters.get("lastmile.bus.dropped").tag("reason", reason).counter().count();
  }

  @Test
  void aStoredMessageThatNeverCameOnTheBusReachesTheSubscriberWithinTheBoundThoughNothingFollowsIt() throws Exception {
    SubscriptionHub hub = startHub(100);
    Context loop = vertx.getOrCreateContext();
    LocalFanout fanout = on(loop, v -> Future.succeededFuture(hub.fanout(loop)));
    Recorder subscriber = new Recorder(Dialect.NATIVE, new CountDownLatch(1));
    on(loop, v -> fanout.add("hub.c", subscriber));
    // stored, so acknowledged to its publisher, but never put on the bus (as when the other nodes had not yet
    // learnt of this node's consumer): no later message shows the hole
    long stored = System.nanoTime();
    ChannelMessage missed = registry.append("hub.c", System.currentTimeMillis(), "\"missed\"", null, null).await();
    assertTrue(subscriber.received.await(10, TimeUnit.SECONDS), "the missed message was read from the backlog");
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stored);
    assertTrue(tookMs < 1000, "within 2 checks (2 x 100 ms) and the reads, not " + tookMs + " ms");
    assertEquals(1, subscriber.frames.size());
    assertTrue(subscriber.frames.get(0).toString().contains("\"offset\":" + missed.offset()), subscriber.frames.get(0).toString());
  }

  @Test
  void aTailCheckThatNeverAnswersHoldsUpNoOtherChannelsChecks() throws Exception {
    LocalChannelRegistry local = new LocalChannelRegistry(10, ChannelPolicies.defaults());
    local.create("hub.c").await();
    local.create("hub.stuck").await();
    HeldLookups stalling = HeldLookups.wrap(local);
    SubscriptionHub hub = startHub(stalling, 100);
    Context loop = vertx.getOrCreateContext();
    LocalFanout fanout = on(loop, v -> Future.succeededFuture(hub.fanout(loop)));
    on(loop, v -> fanout.add("hub.stuck", new Recorder(Dialect.NATIVE, new CountDownLatch(1))));
    // once its subscriber is attached, hub.stuck's next lookup never answers, as a Hazelcast invocation caught in a
    // merge
    HeldLookups.Held stuck = stalling.holdNext("hub.stuck");
    Recorder subscriber = new Recorder(Dialect.NATIVE, new CountDownLatch(1));
    on(loop, v -> fanout.add("hub.c", subscriber));
    stuck.awaitAsked(); // hub.stuck's tail check is hanging
    // stored but never put on the bus: only a tail check of hub.c can find it
    ChannelMessage missed = local.append("hub.c", System.currentTimeMillis(), "\"missed\"", null, null).await();
    assertTrue(subscriber.received.await(10, TimeUnit.SECONDS), "hub.c's missed message was read from the backlog");
    assertTrue(subscriber.frames.get(0).toString().contains("\"offset\":" + missed.offset()));
  }

  /** How a request to the channel's address fails: NO_HANDLERS at once when nobody consumes it. */
  private ReplyFailure probe(String channel) {
    ChannelMessage probe = new ChannelMessage(channel, "probe", 0, 0, "0");
    Throwable failure = vertx.eventBus()
        .request(Addresses.channel(channel), probe, new DeliveryOptions().setSendTimeout(1000))
        .transform(Future::succeededFuture)
        .await()
        .cause();
    return failure instanceof ReplyException r ? r.failureType() : null;
  }

  private void assertNoConsumer(String channel) {
    assertEquals(ReplyFailure.NO_HANDLERS, probe(channel));
  }

  private void assertNoConsumerEventually(String channel) {
    await().atMost(Duration.ofSeconds(10)).until(() -> probe(channel) == ReplyFailure.NO_HANDLERS);
  }
}
