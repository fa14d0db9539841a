package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertError;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.grpc.v1.CreateChannelRequest;
import stream.terminal.lastmile.grpc.v1.PublishAck;
import stream.terminal.lastmile.grpc.v1.PublishRequest;
import stream.terminal.lastmile.support.GrpcClients;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.Keys;
import stream.terminal.lastmile.support.MockOidcProvider;
import stream.terminal.lastmile.support.MockOidcProvider.Case;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * A website user's sign-on token (a real OIDC provider, mock-oauth2-server in its own JVM) on the private side:
 * refused {@code permission_denied} on every ingest surface (HTTP, native and legacy WebSocket, gRPC unary and
 * streaming), on a listener that requires identity and on one guarded by listener tokens, and nothing stored;
 * admitted only where a namespace says {@code users_may_publish}; and a publishing call that a user's identity
 * opened ends when that identity expires.
 */
class UserPublishingTest {
  private static final String ISSUER = "main";
  private static final String BRIEF = "brief";
  /** How long the brief issuer's tokens live: enough for a signed-on call to start on a busy machine. */
  private static final int BRIEF_SECONDS = 6;
  private static final String FEED_KEY = Keys.apiKey();
  private static final String LISTENER_TOKEN = "operator-token-1";
  private static MockOidcProvider provider;
  private static TestGateway gateway;
  private static TestGateway briefGateway;
  private static GrpcClients grpc;

  @BeforeAll
  static void start() throws Exception {
    provider = MockOidcProvider.start(Map.of(ISSUER, 3600, BRIEF, BRIEF_SECONDS));
    gateway = gateway(ISSUER, 30);
    briefGateway = gateway(BRIEF, 0);
    grpc = new GrpcClients(gateway.ingestPort());
    // the issuer's keys fetched once here, so that a brief token's life is not spent on the first fetch; and a
    // publish whose credential waits for that fetch keeps its body (it was a 500: the body streamed in unread)
    Http.Reply warm = send("POST", briefGateway.ingestPort(), "/channels/forum.warm/messages", "1", user(BRIEF));
    assertEquals(200, warm.status(), warm.body());
  }

  /** Ingest "private" requires identity and serves gRPC; ingest "guarded" takes listener tokens. */
  private static TestGateway gateway(String issuerId, int leeway) throws Exception {
    TestGateway gateway = new TestGateway();
    gateway.config().put("identity", new JsonObject()
        .put("oidc", new JsonObject()
            .put("issuer", provider.issuer(issuerId))
            .put("audience", new JsonArray().add("last-mile"))
            .put("algorithms", new JsonArray().add("RS256"))
            .put("leeway_seconds", leeway))
        .put("api_keys", new JsonArray().add(new JsonObject().put("id", "feed").put("hash", Keys.hash(FEED_KEY))
            .put("channels", new JsonArray().add("*")))));
    gateway.config().put("channels", new JsonObject().put("patterns", new JsonArray()
        .add(new JsonObject().put("pattern", "site.*").put("create_on_publish", true))
        .add(new JsonObject().put("pattern", "forum.*").put("create_on_publish", true)
            .put("users_may_publish", true))));
    gateway.listenerConfig("private").put("require_identity", true).put("grpc", true);
    gateway.config().getJsonArray("listeners").add(new JsonObject().put("name", "guarded").put("role", "ingest")
        .put("host", "127.0.0.1").put("port", 0).put("auth_tokens", new JsonArray().add(LISTENER_TOKEN)));
    return gateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (grpc != null) {
      grpc.close();
    }
    for (AutoCloseable closeable : new AutoCloseable[] {gateway, briefGateway, provider}) {
      if (closeable != null) {
        closeable.close();
      }
    }
  }

  private static String user(String issuerId) throws Exception {
    return provider.token(issuerId, Case.VALID, Map.of("sub", "browser-user-42"));
  }

  private static Http.Reply send(String method, int port, String path, String body, String credential)
      throws Exception {
    return Http.send(method, port, path, body, "Authorization", "Bearer " + credential);
  }

  private static void assertDenied(Http.Reply reply) {
    assertEquals(403, reply.status(), reply.body());
    assertEquals("permission_denied", reply.errorCode());
  }

  /** An ingest WebSocket signed on in its handshake, as a publisher that can set headers does. */
  private static WsClient ingest(TestGateway gateway, String credential) throws Exception {
    return WsClient.connect(gateway.clients(), new WebSocketClientOptions(), new WebSocketConnectOptions()
        .setPort(gateway.ingestPort()).setURI("/").setAllowOriginHeader(false)
        .addHeader("Authorization", "Bearer " + credential));
  }

  private static JsonObject publish(WsClient ws, String channel, String data) throws InterruptedException {
    return ws.request(new JsonObject().put("op", "publish").put("channel", channel).put("data", new JsonObject(data)));
  }

  private static PublishRequest json(String channel, String json, long sequence) {
    return PublishRequest.newBuilder().setChannel(channel).setJson(json).setSequence(sequence).build();
  }

  private static int stored(String channel) throws Exception {
    Http.Reply reply = send("GET", gateway.ingestPort(), "/channels/" + channel + "/messages", null, FEED_KEY);
    return reply.status() == 404 ? 0 : reply.json().getJsonArray("messages").size();
  }

  @Test
  void aUsersSignOnCreatesAndPublishesNowhereOverHttp() throws Exception {
    String token = user(ISSUER);
    int guarded = gateway.node().port("guarded");
    for (int port : new int[] {gateway.ingestPort(), guarded}) {
      assertDenied(send("PUT", port, "/channels/site.news", null, token));
      assertDenied(send("POST", port, "/channels/site.news/messages", "{\"n\":1}", token));
    }
    assertEquals(0, stored("site.news"));
    // the listener's own publishers still do
    assertEquals(200, send("POST", gateway.ingestPort(), "/channels/site.news/messages", "{\"n\":2}", FEED_KEY)
        .status());
    assertEquals(200, send("POST", guarded, "/channels/site.news/messages", "{\"n\":3}", LISTENER_TOKEN).status());
    assertEquals(2, stored("site.news"));
  }

  @Test
  void aUsersSignOnCreatesAndPublishesNowhereOverWebSocket() throws Exception {
    try (WsClient ws = ingest(gateway, user(ISSUER))) {
      assertError("permission_denied", ws.request("create", "site.ws"));
      assertError("permission_denied", publish(ws, "site.ws", "{\"n\":1}"));
    }
    // TSLM's dialect (fixed by a connection's first command)
    try (WsClient ws = ingest(gateway, user(ISSUER))) {
      ws.sendText("{\"CreateChannel\":\"site.ws\"}");
      assertTrue(ws.nextText().startsWith("{\"Error\":\"permission_denied"));
      ws.sendText("{\"NotifyChannel\":[\"site.ws\",{\"Text\":\"hi\"}]}");
      assertTrue(ws.nextText().startsWith("{\"Error\":\"permission_denied"));
    }
    // signed on after the handshake, with the auth command, on a listener guarded by tokens
    try (WsClient ws = WsClient.connect(gateway.clients(), gateway.node().port("guarded"), "/",
        List.of(LISTENER_TOKEN))) {
      assertResult(ws.request(new JsonObject().put("op", "auth").put("token", user(ISSUER))));
      assertError("permission_denied", publish(ws, "site.ws", "{\"n\":2}"));
    }
    assertEquals(0, stored("site.ws"));
  }

  @Test
  void aUsersSignOnCreatesAndPublishesNowhereOverGrpc() throws Exception {
    String token = user(ISSUER);
    StatusRuntimeException created = assertThrows(StatusRuntimeException.class, () -> grpc.blocking(token)
        .createChannel(CreateChannelRequest.newBuilder().setChannel("site.grpc").build()));
    assertEquals(Status.Code.PERMISSION_DENIED, GrpcClients.status(created));
    assertEquals("permission_denied", GrpcClients.errorCode(created));
    StatusRuntimeException published = assertThrows(StatusRuntimeException.class,
        () -> grpc.blocking(token).publish(json("site.grpc", "1", 0)));
    assertEquals("permission_denied", GrpcClients.errorCode(published));

    LinkedBlockingQueue<PublishAck> acks = new LinkedBlockingQueue<>();
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    StreamObserver<PublishRequest> stream = grpc.async(token).publishStream(observer(acks, ended));
    stream.onNext(json("site.grpc", "2", 1));
    stream.onCompleted();
    PublishAck ack = acks.poll(30, TimeUnit.SECONDS);
    assertEquals("permission_denied", ack.getError().getCode());
    assertEquals(null, ended.get(30, TimeUnit.SECONDS));
    assertEquals(0, stored("site.grpc"));
  }

  @Test
  void aNamespaceMayLetUsersPublish() throws Exception {
    String token = user(ISSUER);
    assertEquals(201, send("PUT", gateway.ingestPort(), "/channels/forum.a", null, token).status());
    assertEquals(200, send("POST", gateway.ingestPort(), "/channels/forum.a/messages", "{\"n\":1}", token).status());
    try (WsClient ws = ingest(gateway, token)) {
      assertResult(publish(ws, "forum.a", "{\"n\":2}"));
    }
    assertEquals(3, grpc.blocking(token).publish(json("forum.a", "3", 0)).getStored().getOffset());
  }

  @Test
  void aPublishStreamEndsWhenItsUsersIdentityExpires() throws Exception {
    try (GrpcClients brief = new GrpcClients(briefGateway.ingestPort())) {
      LinkedBlockingQueue<PublishAck> acks = new LinkedBlockingQueue<>();
      CompletableFuture<Throwable> ended = new CompletableFuture<>();
      // the issuer's tokens live a few seconds, the node allows no leeway; the stream is left open
      StreamObserver<PublishRequest> stream = brief.async(user(BRIEF)).publishStream(observer(acks, ended));
      stream.onNext(json("forum.stream", "1", 1));
      PublishAck first = acks.poll(30, TimeUnit.SECONDS);
      assertTrue(first != null && first.hasStored(), first + " " + ended.getNow(null));
      Throwable end = ended.get(30, TimeUnit.SECONDS);
      assertEquals(Status.Code.UNAUTHENTICATED, Status.fromThrowable(end).getCode(), String.valueOf(end));
      assertEquals("token_expired", GrpcClients.errorCode((StatusRuntimeException) end));
    }
  }

  @Test
  void anIngestWebSocketEndsWhenItsUsersIdentityExpires() throws Exception {
    try (WsClient ws = ingest(briefGateway, user(BRIEF))) {
      assertResult(publish(ws, "forum.ws", "{\"n\":1}"));
      JsonObject notice = ws.next();
      while (!"disconnect".equals(notice.getString("type"))) {
        notice = ws.next();
      }
      assertEquals(4004, notice.getInteger("code"));
      assertEquals(4004, ws.awaitClose());
    }
  }

  private static StreamObserver<PublishAck> observer(LinkedBlockingQueue<PublishAck> acks,
      CompletableFuture<Throwable> ended) {
    return new StreamObserver<>() {
      @Override
      public void onNext(PublishAck ack) {
        acks.add(ack);
      }

      @Override
      public void onError(Throwable t) {
        ended.complete(t);
      }

      @Override
      public void onCompleted() {
        ended.complete(null);
      }
    };
  }
}
