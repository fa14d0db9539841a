package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.config.ChannelPolicies;
import stream.terminal.lastmile.config.ClusterConfig;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.IdempotencyKey;
import stream.terminal.lastmile.core.Published;

/**
 * A store that completes after its member lost its quorum is not acknowledged: the member may have stored on its
 * own side of a split only (a write whose backup's member was removed can complete without its confirmation,
 * which a member cut off risks when its heartbeat timeout is shorter than the backup timeout). The outcome is
 * unknown, and the key's retry finds the message where it was stored. Nor does a member without its quorum
 * answer reads: they could show such a write. One real member; its quorum is the test's switch.
 */
class QuorumLossTest {
  private final Vertx vertx = Vertx.vertx();
  private final AtomicBoolean quorate = new AtomicBoolean(true);
  private HazelcastInstance hazelcast;
  private HazelcastChannelRegistry registry;

  @BeforeEach
  void start() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    hazelcast = Hazelcast.newHazelcastInstance(HazelcastSetup.build(new ClusterConfig(true,
        "quorum-lost-" + System.nanoTime(), "127.0.0.1", null, port, List.of("127.0.0.1:" + port), 0, null, 0,
        null)));
    registry = new HazelcastChannelRegistry(vertx, hazelcast, 10, ChannelPolicies.defaults(),
        new ClusterView(hazelcast, quorate::get));
    registry.create("ql").await();
  }

  @AfterEach
  void stop() {
    hazelcast.shutdown();
    vertx.close().await();
  }

  @Test
  void aStoreThatOutlivedTheQuorumIsOfUnknownOutcome() {
    GatewayException e = refusal(() -> {
      Future<ChannelMessage> stored = registry.append("ql", 1, "\"cut\"", null, null);
      quorate.set(false); // before the store's answer can reach this context
      return stored;
    });
    assertEquals(ErrorCode.UNAVAILABLE, e.code());
    assertTrue(e.storedUnknown(), e.getMessage());

    quorate.set(true);
    ChannelMessage next = on(() -> registry.append("ql", 2, "\"whole\"", null, null));
    assertEquals(2, next.offset(), "the first store did happen: the outcome was rightly unknown");
  }

  @Test
  void aKeyedStoreThatOutlivedTheQuorumIsFoundByItsRetry() {
    IdempotencyKey key = new IdempotencyKey("retry-me", 300);
    GatewayException e = refusal(() -> {
      Future<Published> stored = registry.appendOnce("ql", key, 1, "\"cut\"", null, null);
      quorate.set(false);
      return stored;
    });
    assertTrue(e.storedUnknown(), e.getMessage());

    quorate.set(true);
    Published retry = on(() -> registry.appendOnce("ql", key, 1, "\"cut\"", null, null));
    assertTrue(retry.duplicate(), "stored once, by the first attempt");
    assertEquals(1, retry.message().offset());
  }

  @Test
  void aMemberWithoutItsQuorumAnswersNoRead() {
    registry.append("ql", 1, "\"stored\"", null, null).await();
    quorate.set(false);
    // what it holds may include its side's unacknowledged writes: a subscribe, a resume or a history is refused
    assertEquals(ErrorCode.UNAVAILABLE, GatewayException.of(refusal(() -> registry.read("ql", 1, 10))).code());
    assertEquals(ErrorCode.UNAVAILABLE, GatewayException.of(refusal(() -> registry.get("ql"))).code());
    quorate.set(true);
    assertEquals(1, on(() -> registry.read("ql", 1, 10)).messages().size());
  }

  /** Runs {@code action} on a context of its own, as a publish runs on its connection's. */
  private <T> T on(Supplier<Future<T>> action) {
    Promise<T> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> action.get().onComplete(done));
    return done.future().await();
  }

  private <T> GatewayException refusal(Supplier<Future<T>> action) {
    try {
      T result = on(action);
      throw new AssertionError("acknowledged: " + result);
    } catch (RuntimeException e) {
      return GatewayException.of(e);
    }
  }
}
