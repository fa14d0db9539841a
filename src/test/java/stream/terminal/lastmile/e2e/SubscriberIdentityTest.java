package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertError;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.MockOidcProvider;
import stream.terminal.lastmile.support.MockOidcProvider.Case;
import stream.terminal.lastmile.support.SockJsPolling;
import stream.terminal.lastmile.support.SseClient;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * Subscribers sign on with access tokens of a real OIDC provider (mock-oauth2-server, its own JVM, on loopback):
 * per-namespace rules decide who may subscribe, every refused token gets its documented code, a refresh keeps
 * the subscriptions, and an identity that expires ends the connection (4004), on WebSocket, SSE and SockJS.
 */
class SubscriberIdentityTest {
  private static final String ISSUER = "main";
  private static final String BRIEF = "brief";
  private static MockOidcProvider provider;
  private static TestGateway gateway;
  private static TestGateway briefGateway;

  @BeforeAll
  static void start() throws Exception {
    provider = MockOidcProvider.start(Map.of(ISSUER, 3600, BRIEF, 3));
    gateway = gateway(ISSUER, 30);
    briefGateway = gateway(BRIEF, 0);
  }

  private static TestGateway gateway(String issuerId, int leeway) throws Exception {
    TestGateway gateway = new TestGateway();
    gateway.config().put("identity", new JsonObject().put("oidc", new JsonObject()
        .put("issuer", provider.issuer(issuerId))
        .put("audience", new JsonArray().add("last-mile"))
        .put("algorithms", new JsonArray().add("RS256"))
        .put("leeway_seconds", leeway)));
    gateway.config().put("channels", new JsonObject().put("declare", new JsonArray(List.of("public.news",
        "members.news", "members.x", "members.brief", "members.sse", "members.sockjs", "desk.eu", "desk.us", "desk.asia",
        "desk.refresh", "scoped.a", "capped.x", "live.x"))).put("patterns", new JsonArray()
        .add(policy("members.*").put("subscribe", "signed_in"))
        .add(policy("desk.*").put("subscribe", "channels_claim"))
        .add(policy("scoped.*").put("subscribe", "scope:read:scoped"))
        .add(policy("capped.*").put("max_subscribers", 2))
        .add(policy("live.*").put("history", false))));
    return gateway.start();
  }

  private static JsonObject policy(String pattern) {
    return new JsonObject().put("pattern", pattern).put("create_on_publish", true);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (briefGateway != null) {
      briefGateway.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  private static String token(Case shape, Map<String, String> claims) throws Exception {
    return provider.token(ISSUER, shape, claims);
  }

  private static JsonObject auth(WsClient ws, String token) throws InterruptedException {
    return ws.request(new JsonObject().put("op", "auth").put("token", token));
  }

  private static void publish(TestGateway gateway, String channel, String data) throws Exception {
    assertEquals(200, Http.post(gateway.ingestPort(), "/channels/" + channel + "/messages", data).status());
  }

  @Test
  void anonymousClientsKeepPublicChannels() throws Exception {
    try (WsClient ws = gateway.edge()) {
      assertResult(ws.request("subscribe", "public.news"));
      JsonObject refused = ws.request("subscribe", "members.news");
      assertError("unauthenticated", refused);
    }
  }

  @Test
  void aSignedOnUserGetsWhatTheNamespacesAllow() throws Exception {
    try (WsClient ws = gateway.edge()) {
      JsonObject signedOn = auth(ws, token(Case.VALID, Map.of("sub", "alice", "channels", "desk.eu desk.us",
          "scope", "openid read:scoped")));
      assertResult(signedOn);
      JsonObject who = signedOn.getJsonObject("result");
      assertEquals("user", who.getString("kind"));
      assertEquals("alice", who.getString("subject"));
      assertTrue(who.getLong("expires_at") > System.currentTimeMillis());
      assertResult(ws.request("subscribe", "members.news"));
      assertResult(ws.request("subscribe", "desk.eu"));
      assertResult(ws.request("subscribe", "scoped.a"));
      // another desk's namespace: the token's channels claim does not name it
      assertError("permission_denied", ws.request("subscribe", "desk.asia"));
      publish(gateway, "desk.eu", "{\"n\":1}");
      assertEquals("desk.eu", ws.nextMessage().getString("channel"));
    }
    try (WsClient ws = gateway.edge()) {
      assertResult(auth(ws, token(Case.VALID, Map.of("sub", "bob"))));
      assertError("permission_denied", ws.request("subscribe", "desk.eu"));
      assertError("permission_denied", ws.request("subscribe", "scoped.a"));
    }
  }

  @Test
  void everyBadTokenGetsItsCode() throws Exception {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(provider.issuer(ISSUER)).audience("last-mile")
        .subject("mallory").expirationTime(new Date(System.currentTimeMillis() + 600_000)).build();
    RSAKey published = (RSAKey) JWKSet.parse(fetch(provider.jwksUri(ISSUER))).getKeys().get(0);
    SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(published.getKeyID()).build(),
        claims);
    confused.sign(new MACSigner(published.toRSAPublicKey().getEncoded()));
    Map<String, String> refusals = Map.of(
        token(Case.EXPIRED, Map.of()), "token_expired",
        token(Case.NOT_YET_VALID, Map.of()), "invalid_token",
        token(Case.VALID, Map.of("aud", "another-service")), "invalid_token",
        token(Case.VALID, Map.of("iss", "http://127.0.0.1:1/elsewhere")), "invalid_token",
        new PlainJWT(claims).serialize(), "invalid_token",
        confused.serialize(), "invalid_token",
        "not-a-token", "invalid_token");
    try (WsClient ws = gateway.edge()) {
      refusals.forEach((token, code) -> {
        try {
          assertError(code, auth(ws, token));
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      });
      // still anonymous: nothing was adopted
      assertError("unauthenticated", ws.request("subscribe", "members.x"));
    }
    // in the handshake: refused before any frame, with the code in the body
    WebSocketConnectOptions expired = new WebSocketConnectOptions().setPort(gateway.edgePort()).setURI("/")
        .setAllowOriginHeader(false).addHeader("Authorization", "Bearer " + token(Case.EXPIRED, Map.of()));
    Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> WsClient.connect(gateway.clients(), new WebSocketClientOptions(), expired));
    assertTrue(String.valueOf(refused.getMessage()).contains("401"), refused.toString());
  }

  @Test
  void aRefreshKeepsTheSubscriptions() throws Exception {
    try (WsClient ws = gateway.edge()) {
      assertResult(auth(ws, token(Case.VALID, Map.of("sub", "alice", "channels", "desk.*"))));
      assertResult(ws.request("subscribe", "desk.refresh"));
      assertResult(auth(ws, token(Case.VALID, Map.of("sub", "alice", "channels", "desk.*"))));
      // not the same user, or no longer allowed on a subscribed channel: refused, the old identity stays
      assertError("invalid_token", auth(ws, token(Case.VALID, Map.of("sub", "bob", "channels", "desk.*"))));
      assertError("permission_denied", auth(ws, token(Case.VALID, Map.of("sub", "alice", "channels", "desk.eu"))));
      publish(gateway, "desk.refresh", "2");
      assertEquals(2, ws.nextMessage().getInteger("data"));
    }
  }

  @Test
  void anExpiredIdentityEndsTheConnection() throws Exception {
    try (WsClient ws = WsClient.connect(briefGateway.clients(), briefGateway.edgePort())) {
      assertResult(auth(ws, provider.token(BRIEF, Case.VALID, Map.of())));
      assertResult(ws.request("subscribe", "members.brief"));
      JsonObject notice = ws.next();
      while (!"disconnect".equals(notice.getString("type"))) {
        notice = ws.next();
      }
      assertEquals(4004, notice.getInteger("code"));
      assertEquals(4004, ws.awaitClose());
    }
  }

  @Test
  void sseStreamsSignOnWithAHeaderAndRefreshByPost() throws Exception {
    String first = token(Case.VALID, Map.of("sub", "carol"));
    try (SseClient refused = SseClient.open(gateway.edgePort(), "/sse?channel=members.sse")) {
      assertEquals(401, refused.status());
      assertEquals("unauthenticated", refused.errorBody().getJsonObject("error").getString("code"));
    }
    try (SseClient sse = SseClient.open(gateway.edgePort(), "/sse?channel=members.sse", "Authorization",
        "Bearer " + first)) {
      assertEquals(200, sse.status());
      SseClient.Event session = sse.nextEvent();
      while (session.name() == null) {
        session = sse.nextEvent(); // the retry field comes first
      }
      assertEquals("session", session.name());
      String stream = session.json().getString("stream");
      assertNotNull(stream);
      assertEquals("carol", session.json().getString("subject"));
      Http.Reply refreshed = Http.post(gateway.edgePort(), "/sse/auth",
          new JsonObject().put("stream", stream).put("token", token(Case.VALID, Map.of("sub", "carol"))).encode());
      assertEquals(200, refreshed.status(), refreshed.body());
      assertEquals("user", refreshed.json().getString("kind"));
      Http.Reply otherUser = Http.post(gateway.edgePort(), "/sse/auth",
          new JsonObject().put("stream", stream).put("token", token(Case.VALID, Map.of("sub", "dave"))).encode());
      assertEquals("invalid_token", otherUser.errorCode());
      Http.Reply unknown = Http.post(gateway.edgePort(), "/sse/auth",
          new JsonObject().put("stream", "no-such-stream").put("token", first).encode());
      assertEquals(404, unknown.status());
      assertEquals("stream_not_found", unknown.errorCode());
      publish(gateway, "members.sse", "3");
      SseClient.Event message = sse.nextEvent();
      while (!message.isMessage()) {
        message = sse.nextEvent();
      }
      assertEquals(3, message.json().getInteger("data"));
    }
    try (SseClient sse = SseClient.open(briefGateway.edgePort(), "/sse?channel=members.sse", "Authorization",
        "Bearer " + provider.token(BRIEF, Case.VALID, Map.of()))) {
      SseClient.Event event = sse.nextEvent();
      while (!"disconnect".equals(event.name())) {
        event = sse.nextEvent();
      }
      assertEquals(4004, event.json().getInteger("code"));
      assertTrue(sse.ends());
    }
  }

  @Test
  void subscriberCapsAndLiveOnlyNamespaces() throws Exception {
    try (WsClient a = gateway.edge(); WsClient b = gateway.edge(); WsClient c = gateway.edge()) {
      assertResult(a.request("subscribe", "capped.x"));
      assertResult(b.request("subscribe", "capped.x"));
      assertError("limit_exceeded", c.request("subscribe", "capped.x"));
      assertResult(a.request("unsubscribe", "capped.x"));
      assertResult(c.request("subscribe", "capped.x"));
    }
    publish(gateway, "live.x", "1");
    try (WsClient ws = gateway.edge()) {
      assertError("permission_denied", ws.request(new JsonObject().put("op", "history").put("channel", "live.x")));
      JsonObject resumed = ws.request(new JsonObject().put("op", "subscribe").put("channel", "live.x")
          .put("since", new JsonObject().put("epoch", "whatever").put("offset", 0)));
      assertResult(resumed);
      assertEquals(false, resumed.getJsonObject("result").getBoolean("recovered"));
      assertEquals(null, ws.poll(200));
    }
  }

  @Test
  void sockJsClientsSignOnThroughTheAuthAddress() throws Exception {
    SockJsPolling sockjs = SockJsPolling.open(gateway.edgePort(), "/eventbus");
    {
      sockjs.send(new JsonObject().put("type", "register").put("address", "members.sockjs"));
      assertEquals("unauthenticated", sockjs.next().getString("failureType"));
      sockjs.send(new JsonObject().put("type", "send").put("address", "last-mile.auth").put("replyAddress", "r1")
          .put("body", new JsonObject().put("token", token(Case.VALID, Map.of("sub", "erin")))));
      JsonObject reply = sockjs.next();
      assertEquals("r1", reply.getString("address"));
      assertEquals("erin", reply.getJsonObject("body").getString("subject"));
      // published before the register, which has no reply: the register resumes from offset 0 to get it
      publish(gateway, "members.sockjs", "4");
      String epoch = Http.get(gateway.ingestPort(), "/channels/members.sockjs/messages").json().getString("epoch");
      sockjs.send(new JsonObject().put("type", "register").put("address", "members.sockjs")
          .put("headers", new JsonObject().put("epoch", epoch).put("offset", "0")));
      JsonObject rec = sockjs.next();
      assertEquals("members.sockjs", rec.getString("address"));
      assertEquals(4, rec.getInteger("body"));
    }
  }

  private static String fetch(String uri) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(uri)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
