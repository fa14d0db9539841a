package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertError;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.identity.MessageSignatures;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.Keys;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * Publishers prove who they are on an ingest listener that requires it: API keys checked against their hashes,
 * JWTs signed with whitelisted keys (single use), per-key channel patterns, per-namespace publisher lists, per-key
 * rates, and messages signed end to end. Every refusal stores nothing.
 */
class PublisherIdentityTest {
  private static final String FEED_KEY = Keys.apiKey();
  private static final String OTHER_KEY = Keys.apiKey();
  private static final String SLOW_KEY = Keys.apiKey();
  private static final KeyPair SIGNER = Keys.ed25519();
  private static final KeyPair EC_SIGNER = Keys.p256();
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway();
    gateway.config().put("identity", new JsonObject()
        .put("api_keys", new JsonArray()
            .add(key("feed", Keys.hash(FEED_KEY), "feed.*", "open.*", "signed.*"))
            .add(key("other", Keys.hash(OTHER_KEY), "feed.*", "open.*"))
            .add(key("slow", Keys.hash(SLOW_KEY), "slow.*").put("publishes_per_second", 2).put("burst", 2)))
        .put("public_keys", new JsonArray()
            .add(key("signer", Keys.spki(SIGNER), "feed.*", "signed.*", "open.*"))
            .add(key("ec-signer", Keys.spki(EC_SIGNER), "signed.*"))));
    gateway.config().put("channels", new JsonObject().put("patterns", new JsonArray()
        .add(new JsonObject().put("pattern", "feed.*").put("create_on_publish", true)
            .put("publishers", new JsonArray().add("feed").add("signer")))
        .add(new JsonObject().put("pattern", "signed.*").put("create_on_publish", true).put("signatures", "required"))
        .add(new JsonObject().put("pattern", "open.*").put("create_on_publish", true))
        .add(new JsonObject().put("pattern", "slow.*").put("create_on_publish", true))));
    gateway.listenerConfig("private").put("require_identity", true);
    gateway.start();
  }

  private static JsonObject key(String id, String secret, String... channels) {
    JsonObject key = new JsonObject().put("id", id).put("channels", new JsonArray(java.util.List.of((Object[]) channels)));
    return secret.startsWith("sha256:") ? key.put("hash", secret) : key.put("key", secret);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static Http.Reply publish(String channel, String body, String credential, String... more) throws Exception {
    String[] headers = new String[2 + more.length];
    headers[0] = "Authorization";
    headers[1] = "Bearer " + credential;
    System.arraycopy(more, 0, headers, 2, more.length);
    return Http.send("POST", gateway.ingestPort(), "/channels/" + channel + "/messages", body, headers);
  }

  private static int stored(String channel) throws Exception {
    Http.Reply reply = Http.send("GET", gateway.ingestPort(), "/channels/" + channel + "/messages", null,
        "Authorization", "Bearer " + FEED_KEY);
    return reply.status() == 404 ? 0 : reply.json().getJsonArray("messages").size();
  }

  @Test
  void apiKeysAreCheckedAgainstTheirHashes() throws Exception {
    assertEquals("unauthenticated", Http.post(gateway.ingestPort(), "/channels/feed.k/messages", "1").errorCode());
    Http.Reply wrong = publish("feed.k", "1", Keys.apiKey());
    assertEquals(401, wrong.status());
    assertEquals("invalid_token", wrong.errorCode());
    assertEquals(200, publish("feed.k", "1", FEED_KEY).status());
    // the key's own patterns: "feed" may not publish on slow.*
    Http.Reply outside = publish("slow.k", "1", FEED_KEY);
    assertEquals(403, outside.status());
    assertEquals("permission_denied", outside.errorCode());
    assertEquals(1, stored("feed.k"));
    assertEquals(0, stored("slow.k"));
  }

  @Test
  void aNamespaceNamesItsPublishers() throws Exception {
    Http.Reply refused = publish("feed.n", "1", OTHER_KEY);
    assertEquals(403, refused.status());
    assertEquals("permission_denied", refused.errorCode());
    assertEquals(200, publish("open.n", "1", OTHER_KEY).status());
    assertEquals(0, stored("feed.n"));
  }

  @Test
  void publisherJwtsProvePossessionOnce() throws Exception {
    String jwt = Keys.publisherJwt(SIGNER.getPrivate(), "signer", "last-mile", 60);
    assertEquals(200, publish("feed.j", "1", jwt).status());
    Http.Reply replayed = publish("feed.j", "2", jwt);
    assertEquals(401, replayed.status());
    assertEquals("invalid_token", replayed.errorCode());
    // the right kid, the wrong private key
    assertEquals("invalid_token",
        publish("feed.j", "3", Keys.publisherJwt(Keys.ed25519().getPrivate(), "signer", "last-mile", 60)).errorCode());
    assertEquals("invalid_token",
        publish("feed.j", "4", Keys.publisherJwt(SIGNER.getPrivate(), "signer", "elsewhere", 60)).errorCode());
    // longer-lived than publisher_tokens.max_lifetime_seconds (300)
    assertEquals("invalid_token",
        publish("feed.j", "5", Keys.publisherJwt(SIGNER.getPrivate(), "signer", "last-mile", 3600)).errorCode());
    long now = System.currentTimeMillis() / 1000;
    String expired = Keys.publisherJwt(SIGNER.getPrivate(), "signer", new JsonObject().put("aud", "last-mile")
        .put("iat", now - 200).put("exp", now - 100).put("jti", UUID.randomUUID().toString()));
    assertEquals("token_expired", publish("feed.j", "6", expired).errorCode());
    assertEquals(1, stored("feed.j"));
  }

  @Test
  void aKeyHasItsOwnRate() throws Exception {
    int limited = 0;
    for (int i = 0; i < 6; i++) {
      Http.Reply reply = publish("slow.r", String.valueOf(i), SLOW_KEY);
      if (reply.status() == 429) {
        assertEquals("rate_limited", reply.errorCode());
        limited++;
      }
    }
    assertTrue(limited >= 3, limited + " of 6 publishes refused at 2 per second, burst 2");
    // another key is not slowed by it
    assertEquals(200, publish("open.r", "1", FEED_KEY).status());
  }

  @Test
  void webSocketPublishersSignOnInTheHandshakeOrInBand() throws Exception {
    WebSocketConnectOptions withKey = new WebSocketConnectOptions().setPort(gateway.ingestPort()).setURI("/")
        .setAllowOriginHeader(false).addHeader("Authorization", "Bearer " + FEED_KEY);
    try (WsClient ws = WsClient.connect(gateway.clients(), new WebSocketClientOptions(), withKey)) {
      assertResult(ws.request(new JsonObject().put("op", "publish").put("channel", "feed.w").put("data", 1)));
      assertError("permission_denied",
          ws.request(new JsonObject().put("op", "publish").put("channel", "slow.w").put("data", 1)));
    }
    try (WsClient ws = gateway.ingest()) {
      assertError("unauthenticated",
          ws.request(new JsonObject().put("op", "publish").put("channel", "feed.w").put("data", 2)));
      JsonObject auth = ws.request(new JsonObject().put("op", "auth")
          .put("token", Keys.publisherJwt(EC_SIGNER.getPrivate(), "ec-signer", "last-mile", 60)));
      assertResult(auth);
      assertEquals("public_key", auth.getJsonObject("result").getString("kind"));
      assertEquals("ec-signer", auth.getJsonObject("result").getString("subject"));
      assertNull(auth.getJsonObject("result").getValue("expires_at"));
      assertError("permission_denied",
          ws.request(new JsonObject().put("op", "publish").put("channel", "feed.w").put("data", 3)));
    }
    assertEquals(1, stored("feed.w"));
  }

  @Test
  void signedMessagesAreCheckedAndForwarded() throws Exception {
    assertEquals(201, Http.send("PUT", gateway.ingestPort(), "/channels/signed.a", null,
        "Authorization", "Bearer " + FEED_KEY).status());
    try (WsClient subscriber = gateway.edge()) {
      assertResult(subscriber.request("subscribe", "signed.a"));
      long ts = System.currentTimeMillis();
      String data = "{\"price\":101.5,\"symbol\":\"BTC\"}";
      assertEquals("bad_signature", publish("signed.a", data, FEED_KEY).errorCode());
      String sig = MessageSignatures.sign(SIGNER.getPrivate(), "signed.a", data, ts);
      assertEquals("bad_signature", publish("signed.a", "{\"price\":999,\"symbol\":\"BTC\"}", FEED_KEY,
          "Last-Mile-Timestamp", String.valueOf(ts), "Last-Mile-Key-Id", "signer", "Last-Mile-Signature", sig)
          .errorCode());
      assertEquals("bad_signature", publish("signed.a", data, FEED_KEY,
          "Last-Mile-Timestamp", String.valueOf(ts + 1), "Last-Mile-Key-Id", "signer", "Last-Mile-Signature", sig)
          .errorCode());
      long stale = ts - 3_600_000;
      assertEquals("bad_signature", publish("signed.a", data, FEED_KEY, "Last-Mile-Timestamp", String.valueOf(stale),
          "Last-Mile-Key-Id", "signer", "Last-Mile-Signature",
          MessageSignatures.sign(SIGNER.getPrivate(), "signed.a", data, stale)).errorCode());
      assertEquals(200, publish("signed.a", data, FEED_KEY,
          "Last-Mile-Timestamp", String.valueOf(ts), "Last-Mile-Key-Id", "signer", "Last-Mile-Signature", sig)
          .status());
      JsonObject message = subscriber.nextMessage();
      assertEquals("signer", message.getString("kid"));
      assertEquals(sig, message.getString("sig"));
      assertEquals(ts, message.getLong("ts"));
      // ECDSA P-256 over WebSocket
      String ecSig = MessageSignatures.sign(EC_SIGNER.getPrivate(), "signed.a", "[1,2]", ts);
      try (WsClient publisher = WsClient.connect(gateway.clients(), new WebSocketClientOptions(),
          new WebSocketConnectOptions().setPort(gateway.ingestPort()).setURI("/").setAllowOriginHeader(false)
              .addHeader("Authorization", "Bearer " + FEED_KEY))) {
        assertResult(publisher.request(new JsonObject().put("op", "publish").put("channel", "signed.a")
            .put("data", new JsonArray().add(1).add(2)).put("ts", ts).put("kid", "ec-signer").put("sig", ecSig)));
        assertError("bad_signature", publisher.request(new JsonObject().put("op", "publish").put("channel", "signed.a")
            .put("data", new JsonArray().add(1).add(3)).put("ts", ts).put("kid", "ec-signer").put("sig", ecSig)));
      }
      assertEquals("ec-signer", subscriber.nextMessage().getString("kid"));
    }
    assertEquals(2, stored("signed.a"));
  }

  @Test
  void aSignerIsBoundToItsChannels() throws Exception {
    long ts = System.currentTimeMillis();
    // an allowed publisher relaying a message signed by a key whose patterns do not cover the channel
    Http.Reply reply = publish("slow.s", "1", SLOW_KEY, "Last-Mile-Timestamp", String.valueOf(ts),
        "Last-Mile-Key-Id", "signer", "Last-Mile-Signature", MessageSignatures.sign(SIGNER.getPrivate(), "slow.s", "1", ts));
    assertEquals(403, reply.status());
    assertEquals("permission_denied", reply.errorCode());
    assertEquals(0, stored("slow.s"));
  }
}
