package stream.terminal.lastmile.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.sdk.ChannelState;
import stream.terminal.lastmile.sdk.ClientOptions;
import stream.terminal.lastmile.sdk.Gap;
import stream.terminal.lastmile.sdk.LastMileClient;
import stream.terminal.lastmile.sdk.LastMileException;
import stream.terminal.lastmile.sdk.Received;
import stream.terminal.lastmile.sdk.Stored;
import stream.terminal.lastmile.sdk.Subscription;
import stream.terminal.lastmile.sdk.SubscriptionListener;
import stream.terminal.lastmile.support.Keys;
import stream.terminal.lastmile.support.TestGateway;

/**
 * The Java client library against a real node: HTTP publish, WebSocket subscriptions that reconnect and resume
 * (through a broken connection, and across a node restart on the same port), and API-key sign-on.
 */
class JavaClientTest {
  private TestGateway gateway;
  private LastMileClient client;
  private NetServer proxy;

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close().await(10, TimeUnit.SECONDS);
    }
    if (proxy != null) {
      proxy.close().await(10, TimeUnit.SECONDS);
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  private LastMileClient client(int edgePort, String credential) {
    ClientOptions options = new ClientOptions().host("127.0.0.1").port(gateway.ingestPort())
        .edgeUrl("ws://127.0.0.1:" + edgePort + "/").reconnect(20, 200).requestTimeoutMs(10_000);
    if (credential != null) {
      options.credential(() -> credential);
    }
    return LastMileClient.create(gateway.clients(), options);
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  private static LastMileException failure(Future<?> future) throws Exception {
    try {
      get(future);
    } catch (ExecutionException e) {
      return assertInstanceOf(LastMileException.class, e.getCause());
    }
    throw new AssertionError("the call succeeded");
  }

  /** Records what a subscription reports. */
  private static final class Recorder implements SubscriptionListener {
    final List<Received> messages = new CopyOnWriteArrayList<>();
    final List<Gap> gaps = new CopyOnWriteArrayList<>();
    final List<LastMileException> errors = new CopyOnWriteArrayList<>();
    final List<Integer> disconnects = new CopyOnWriteArrayList<>();
    final List<ChannelState> subscribed = new CopyOnWriteArrayList<>();

    @Override
    public void onGap(Gap gap) {
      gaps.add(gap);
    }

    @Override
    public void onError(LastMileException error) {
      errors.add(error);
    }

    @Override
    public void onDisconnect(int code, String reason, boolean willReconnect) {
      disconnects.add(code);
    }

    @Override
    public void onSubscribed(ChannelState position) {
      subscribed.add(position);
    }

    List<Long> offsets() {
      return messages.stream().map(Received::offset).toList();
    }
  }

  @Test
  void publishesOverHttpAndReceivesOverWebSocket() throws Exception {
    gateway = new TestGateway();
    gateway.config().put("channels", new JsonObject().put("declare", new JsonArray().add("prices")));
    gateway.start();
    client = client(gateway.edgePort(), null);
    Recorder recorder = new Recorder();
    Subscription subscription = client.subscribe("prices", recorder.messages::add, recorder);
    assertEquals(0, get(subscription.subscribed()).offset());

    Stored first = get(client.publishHttp("prices", "{\"bid\":1.10,\"n\":12345678901234567890}"));
    assertEquals(1, first.offset());
    get(client.publishHttp("prices", "[1,\"two\",null]"));
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.messages.size() == 2);
    Received received = recorder.messages.get(0);
    assertEquals(first.epoch(), received.epoch());
    assertEquals("{\"bid\":1.10,\"n\":12345678901234567890}", received.json()); // the data's text, untouched
    assertEquals("[1,\"two\",null]", recorder.messages.get(1).json());
    assertEquals(List.of(new ChannelState("prices", first.epoch(), 2)), get(client.channels()));

    LastMileException missing = failure(client.publishHttp("nowhere", "1"));
    assertEquals("channel_not_found", missing.code());
    assertEquals("bad_request", failure(client.publishHttp("prices", "{not json")).code());

    get(subscription.close());
    get(subscription.ended());
    get(client.publishHttp("prices", "3"));
    // a message after the unsubscribe reply is not delivered; a second subscription proves the first one got it
    Recorder second = new Recorder();
    get(client.subscribe("prices", second.messages::add, second).subscribed()); // live from its reply's offset
    get(client.publishHttp("prices", "4"));
    await().atMost(Duration.ofSeconds(10)).until(() -> second.messages.size() == 1);
    assertEquals(2, recorder.messages.size());
  }

  @Test
  void aBrokenConnectionIsResumedWithoutGapOrDuplicate() throws Exception {
    gateway = new TestGateway();
    gateway.config().put("channels", new JsonObject().put("declare", new JsonArray().add("ticks")));
    gateway.start();
    Set<NetSocket> open = ConcurrentHashMap.newKeySet();
    boolean[] refusing = {false};
    Vertx vertx = gateway.clients();
    // a TCP relay to the edge listener that the test can cut: the network breaks, the node stays up
    proxy = vertx.createNetServer().connectHandler(inbound -> {
      if (refusing[0]) {
        inbound.close();
        return;
      }
      inbound.pause();
      vertx.createNetClient().connect(gateway.edgePort(), "127.0.0.1").onSuccess(outbound -> {
        open.add(inbound);
        open.add(outbound);
        inbound.pipeTo(outbound);
        outbound.pipeTo(inbound);
        inbound.resume();
      }).onFailure(e -> inbound.close());
    });
    proxy.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    client = client(proxy.actualPort(), null);
    Recorder recorder = new Recorder();
    client.subscribe("ticks", recorder.messages::add, recorder);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.subscribed.size() == 1);
    for (int i = 1; i <= 5; i++) {
      get(client.publishHttp("ticks", String.valueOf(i)));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.messages.size() == 5);

    CompletableFuture<Void> cut = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      refusing[0] = true;
      open.forEach(NetSocket::close);
      open.clear();
      cut.complete(null);
    });
    cut.get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.disconnects.isEmpty());
    for (int i = 6; i <= 10; i++) {
      get(client.publishHttp("ticks", String.valueOf(i))); // published while the subscriber is away
    }
    vertx.runOnContext(v -> refusing[0] = false);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.messages.size() >= 10);
    get(client.publishHttp("ticks", "11"));
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.messages.size() >= 11);

    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), recorder.offsets());
    assertEquals(List.of(), recorder.gaps);
    assertTrue(recorder.subscribed.size() >= 2, "resubscribed after the break");
  }

  @Test
  void aNodeRestartOnTheSamePortIsReportedAsAGapWithANewEpoch() throws Exception {
    gateway = new TestGateway();
    gateway.config().put("channels", new JsonObject().put("declare", new JsonArray().add("alerts")));
    gateway.start();
    int edgePort = gateway.edgePort();
    int ingestPort = gateway.ingestPort();
    client = client(edgePort, null);
    Recorder recorder = new Recorder();
    client.subscribe("alerts", recorder.messages::add, recorder);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.subscribed.size() == 1);
    get(client.publishHttp("alerts", "{\"n\":1}"));
    get(client.publishHttp("alerts", "{\"n\":2}"));
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.messages.size() == 2);
    String oldEpoch = recorder.messages.get(1).epoch();

    gateway.stop();
    await().atMost(Duration.ofSeconds(20)).until(() -> recorder.disconnects.contains(4000));
    gateway.listenerConfig("public").put("port", edgePort);
    gateway.listenerConfig("private").put("port", ingestPort);
    gateway.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> recorder.gaps.size() == 1);
    Gap gap = recorder.gaps.get(0);
    assertTrue(gap.epochChanged());
    assertEquals(oldEpoch, gap.lastEpoch());
    assertEquals(2, gap.lastOffset());
    assertNotEquals(oldEpoch, gap.epoch());
    assertEquals(1, gap.resumesAt());

    Stored stored = get(client.publishHttp("alerts", "{\"n\":3}"));
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.messages.size() == 3);
    Received last = recorder.messages.get(2);
    assertEquals(gap.epoch(), last.epoch());
    assertEquals(stored.offset(), last.offset());
    assertEquals(1, last.offset());
  }

  @Test
  void anApiKeySignsOnWhereTheListenersRequireAnIdentity() throws Exception {
    String key = Keys.apiKey();
    gateway = new TestGateway();
    gateway.config().put("identity", new JsonObject().put("api_keys", new JsonArray()
        .add(new JsonObject().put("id", "feed").put("hash", Keys.hash(key))
            .put("channels", new JsonArray().add("feed.*")))));
    gateway.config().put("channels", new JsonObject().put("declare", new JsonArray().add("feed.a")));
    gateway.listenerConfig("public").put("require_identity", true);
    gateway.listenerConfig("private").put("require_identity", true);
    gateway.start();

    LastMileClient anonymous = client(gateway.edgePort(), null);
    try {
      assertEquals("unauthenticated", failure(anonymous.publishHttp("feed.a", "1")).code());
      Recorder refused = new Recorder();
      anonymous.subscribe("feed.a", refused.messages::add, refused);
      await().atMost(Duration.ofSeconds(10)).until(() -> !refused.errors.isEmpty());
      assertEquals("unauthenticated", refused.errors.get(0).code());
    } finally {
      anonymous.close().await(10, TimeUnit.SECONDS);
    }
    LastMileClient wrongKey = client(gateway.edgePort(), Keys.apiKey());
    try {
      assertEquals("invalid_token", failure(wrongKey.publishHttp("feed.a", "1")).code());
    } finally {
      wrongKey.close().await(10, TimeUnit.SECONDS);
    }

    client = client(gateway.edgePort(), key);
    Recorder recorder = new Recorder();
    client.subscribe("feed.a", recorder.messages::add, recorder);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.subscribed.size() == 1);
    Stored stored = get(client.publishHttp("feed.a", "{\"v\":71.2}"));
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.messages.size() == 1);
    assertEquals(stored.offset(), recorder.messages.get(0).offset());
    assertEquals(List.of(), recorder.errors);
  }
}
