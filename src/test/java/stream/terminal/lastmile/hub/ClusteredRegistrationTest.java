package stream.terminal.lastmile.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.IndeterminateOperationStateException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Completable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.bus.Addresses;
import stream.terminal.lastmile.bus.ChannelMessageCodec;
import stream.terminal.lastmile.channel.LocalChannelRegistry;
import stream.terminal.lastmile.cluster.HazelcastSetup;
import stream.terminal.lastmile.config.ChannelPolicies;
import stream.terminal.lastmile.config.ClusterConfig;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Dialect;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.metrics.GatewayMetrics;
import stream.terminal.lastmile.protocol.TextFrame;

/**
 * A channel's consumer registration that the cluster fails (its partition's member left while it was stored:
 * Hazelcast does not run such a write again) is tried again, so the subscribe that needed it succeeds; one that
 * keeps failing is refused with a retryable {@code unavailable}, and leaves nothing behind that would refuse the
 * next subscribe too.
 */
class ClusteredRegistrationTest {
  /** Registrations of a channel's address the cluster is to fail before it stores one. */
  private final AtomicInteger toFail = new AtomicInteger();
  private Vertx vertx;
  private SubscriptionHub hub;
  private LocalChannelRegistry registry;

  @BeforeEach
  void start() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    var cluster = new HazelcastClusterManager(HazelcastSetup.build(new ClusterConfig(true,
        "registration-" + System.nanoTime(), "127.0.0.1", null, port, List.of("127.0.0.1:" + port), 0, null, 0,
        null))) {
      @Override
      public void addRegistration(String address, RegistrationInfo info, Completable<Void> done) {
        if (address.equals(Addresses.channel("reg.c")) && toFail.getAndDecrement() > 0) {
          done.fail(new IndeterminateOperationStateException("member left during the registration"));
        } else {
          super.addRegistration(address, info, done);
        }
      }
    };
    vertx = Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0)))
        .withClusterManager(cluster).buildClustered().await();
    vertx.eventBus().registerDefaultCodec(ChannelMessage.class, new ChannelMessageCodec());
    registry = new LocalChannelRegistry(10, ChannelPolicies.defaults());
    registry.create("reg.c").await();
    hub = new SubscriptionHub(new GatewayMetrics(new SimpleMeterRegistry()), registry, 100, 1000, 0);
    vertx.deployVerticle(hub).await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aRegistrationTheClusterFailsIsTriedAgain() throws Exception {
    toFail.set(2);
    CountDownLatch received = new CountDownLatch(1);
    Context loop = vertx.getOrCreateContext();
    LocalFanout fanout = on(loop, () -> Future.succeededFuture(hub.fanout(loop)));

    on(loop, () -> fanout.add("reg.c", subscriber(received)));

    assertEquals(-1, toFail.get(), "two failed registrations, then one that held");
    ChannelMessage message = registry.append("reg.c", 1, "\"hi\"", null, null).await();
    vertx.eventBus().publish(Addresses.channel("reg.c"), message);
    assertTrue(received.await(10, TimeUnit.SECONDS), "the message reaches the subscriber");
  }

  @Test
  void aRegistrationThatKeepsFailingRefusesWithUnavailableAndTheNextSubscribeStartsAfresh() throws Exception {
    toFail.set(4);
    Context loop = vertx.getOrCreateContext();
    LocalFanout fanout = on(loop, () -> Future.succeededFuture(hub.fanout(loop)));
    Subscriber first = subscriber(new CountDownLatch(1));

    Exception refused = null;
    try {
      on(loop, () -> fanout.add("reg.c", first));
    } catch (Exception e) {
      refused = e;
    }
    assertEquals(ErrorCode.UNAVAILABLE, GatewayException.of(refused).code(), String.valueOf(refused));
    on(loop, () -> {
      fanout.remove("reg.c", first); // what a subscribe that failed does
      return Future.succeededFuture();
    });

    CountDownLatch received = new CountDownLatch(1);
    on(loop, () -> fanout.add("reg.c", subscriber(received)));
    vertx.eventBus().publish(Addresses.channel("reg.c"), registry.append("reg.c", 1, "\"hi\"", null, null).await());
    assertTrue(received.await(10, TimeUnit.SECONDS), "the next subscribe registered the consumer");
  }

  private static Subscriber subscriber(CountDownLatch received) {
    return new Subscriber() {
      @Override
      public Dialect dialect() {
        return Dialect.NATIVE;
      }

      @Override
      public boolean deliver(ChannelMessage message, TextFrame frame) {
        received.countDown();
        return true;
      }
    };
  }

  private static <T> T on(Context context, Supplier<Future<T>> action) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(done));
    return done.future().await();
  }
}
