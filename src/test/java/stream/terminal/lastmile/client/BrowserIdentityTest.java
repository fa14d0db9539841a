package stream.terminal.lastmile.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.core.Signed;
import stream.terminal.lastmile.identity.MessageSignatures;
import stream.terminal.lastmile.support.BrowserPage;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.Keys;
import stream.terminal.lastmile.support.MockOidcProvider;
import stream.terminal.lastmile.support.MockOidcProvider.Case;
import stream.terminal.lastmile.support.Signing;
import stream.terminal.lastmile.support.TestGateway;

/**
 * The browser client's identity in real headless Chromium: it signs on through a token callback that fetches fresh
 * tokens from a real OIDC provider and refreshes them before they expire, over WebSocket and over SSE; and it
 * verifies signed messages with WebCrypto, delivering those that verify and reporting the others.
 */
class BrowserIdentityTest {
  private static final String ISSUER = "brief";
  /** Short-lived tokens: the page must refresh several times while the test watches. */
  private static final int TOKEN_SECONDS = 4;
  private static final KeyPair P256 = Keys.p256();
  /** Whitelisted by the node under kid "forged", while the page pins another key under that kid. */
  private static final KeyPair FORGER = Keys.ed25519();

  private static MockOidcProvider provider;
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    provider = MockOidcProvider.start(Map.of(ISSUER, TOKEN_SECONDS));
    gateway = new TestGateway();
    JsonObject identity = Signing.identity();
    identity.getJsonArray("public_keys")
        .add(new JsonObject().put("id", "p256-signer").put("key", Keys.spki(P256)).put("channels", new JsonArray().add("*")))
        .add(new JsonObject().put("id", "forged").put("key", Keys.spki(FORGER)).put("channels", new JsonArray().add("*")));
    identity.put("oidc", new JsonObject().put("issuer", provider.issuer(ISSUER))
        .put("audience", new JsonArray().add("last-mile")).put("algorithms", new JsonArray().add("RS256"))
        .put("leeway_seconds", 0));
    gateway.config().put("identity", identity);
    gateway.config().put("channels", new JsonObject()
        .put("declare", new JsonArray().add("signed.page").add("members.ws").add("members.sse"))
        .put("patterns", new JsonArray().add(new JsonObject().put("pattern", "members.*").put("subscribe", "signed_in"))));
    gateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  @Test
  void signedMessagesAreVerifiedInThePage() throws Exception {
    JsonObject options = new JsonObject().put("requireSignatures", true).put("publicKeys", new JsonObject()
        .put(Signing.KID, Signing.publicKey())
        .put("p256-signer", Keys.spki(P256))
        .put("forged", Keys.spki(Keys.ed25519())));
    try (BrowserPage page = BrowserPage.open(edgeUrl(), "signed.page", false,
        Map.of("CLIENT_OPTIONS", options.encode()))) {
      page.await("sub.position !== null");
      long ts = System.currentTimeMillis();
      publish("{\"n\":1}", Signing.sign("signed.page", "{\"n\":1}", ts));
      publish("{\"n\":2}", signed(P256, "p256-signer", "{\"n\":2}", ts));
      // accepted by the node, whose whitelist has this key under "forged", but not the key the page pins: what a
      // forged signature looks like to the page
      publish("{\"n\":3}", signed(FORGER, "forged", "{\"n\":3}", ts));
      publish("{\"n\":4}", null);
      publish("{\"n\":5}", Signing.sign("signed.page", "{\"n\":5}", ts));

      JsonObject state = page.await("s.received.length + s.invalids.length >= 5");
      assertEquals(List.of(1, 2, 5), offsets(state.getJsonArray("received")));
      assertEquals(List.of(Signing.KID, "p256-signer", Signing.KID), state.getJsonArray("kids").getList());
      JsonArray invalids = state.getJsonArray("invalids");
      assertEquals(2, invalids.size(), invalids.encode());
      assertEquals(3, invalids.getJsonObject(0).getInteger("offset"));
      assertEquals("bad_signature", invalids.getJsonObject(0).getString("reason"));
      assertEquals(4, invalids.getJsonObject(1).getInteger("offset"));
      assertEquals("unsigned", invalids.getJsonObject(1).getString("reason"));
    }
  }

  @Test
  void aGenuineButStaleSignedMessageIsNotDeliveredInThePage() throws Exception {
    JsonObject options = new JsonObject().put("maxSignatureAgeMs", 60_000)
        .put("publicKeys", new JsonObject().put(Signing.KID, Signing.publicKey()));
    try (BrowserPage page = BrowserPage.open(edgeUrl(), "signed.page", false,
        Map.of("CLIENT_OPTIONS", options.encode()))) {
      page.await("sub.position !== null");
      long now = System.currentTimeMillis();
      // within the node's skew (300 s), so stored and delivered; older than the page allows, so not shown
      long stale = now - 120_000;
      publish("{\"n\":\"stale\"}", Signing.sign("signed.page", "{\"n\":\"stale\"}", stale));
      publish("{\"n\":\"fresh\"}", Signing.sign("signed.page", "{\"n\":\"fresh\"}", now));

      JsonObject state = page.await("s.received.length + s.invalids.length >= 2");
      JsonArray invalids = state.getJsonArray("invalids");
      assertEquals(1, invalids.size(), invalids.encode());
      assertEquals("expired", invalids.getJsonObject(0).getString("reason"));
      assertEquals(1, state.getJsonArray("received").size());
      int expired = invalids.getJsonObject(0).getInteger("offset");
      assertEquals(List.of(expired + 1), offsets(state.getJsonArray("received")));
    }
  }

  @Test
  void aPageSignsOnAndRefreshesOverWebSocket() throws Exception {
    signsOnAndRefreshes("members.ws", false, "websocket");
  }

  @Test
  void aPageSignsOnAndRefreshesOverServerSentEvents() throws Exception {
    signsOnAndRefreshes("members.sse", true, "sse");
  }

  /**
   * The page's tokens live 4 s: it stays connected for more than twice that, receiving throughout, because its
   * client refreshes each token before it expires (the node would otherwise close with 4004).
   */
  private void signsOnAndRefreshes(String channel, boolean noWebSocket, String transport) throws Exception {
    Map<String, String> environment = Map.of("TOKEN_URL", provider.tokenUrl(ISSUER),
        "TOKEN_FORM", provider.tokenForm(ISSUER, Case.VALID, Map.of("sub", "page-user")));
    try (BrowserPage page = BrowserPage.open(edgeUrl(), channel, noWebSocket, environment)) {
      JsonObject opened = page.await("sub.position !== null");
      assertEquals(List.of(transport), opened.getJsonArray("opens").getList());
      publishUnsigned(channel, 1);
      page.await("s.received.length >= 1");
      // the event waited for is the third token: two refreshes, more than two lifetimes after the first
      JsonObject refreshed = page.await("s.tokens >= 3");
      publishUnsigned(channel, 2);
      JsonObject state = page.await("s.received.length >= 2");
      assertEquals(0, state.getJsonArray("closes").size(), state.encode());
      assertEquals(List.of(transport), state.getJsonArray("opens").getList());
      assertTrue(refreshed.getInteger("tokens") >= 3);
      assertEquals(0, state.getJsonArray("errors").size(), state.encode());
    }
  }

  private static Signed signed(KeyPair key, String kid, String data, long ts) {
    return new Signed(ts, new stream.terminal.lastmile.core.Signature(kid,
        MessageSignatures.sign(key.getPrivate(), "signed.page", data, ts)));
  }

  private static void publish(String data, Signed signed) throws Exception {
    String[] headers = signed == null ? new String[0] : new String[] {
        "Last-Mile-Timestamp", String.valueOf(signed.ts()), "Last-Mile-Key-Id", signed.signature().kid(),
        "Last-Mile-Signature", signed.signature().sig()};
    Http.Reply reply = Http.send("POST", gateway.ingestPort(), "/channels/signed.page/messages", data, headers);
    assertEquals(200, reply.status(), reply.body());
  }

  private static void publishUnsigned(String channel, int n) throws Exception {
    assertEquals(200, Http.post(gateway.ingestPort(), "/channels/" + channel + "/messages", String.valueOf(n)).status());
  }

  private static List<Integer> offsets(JsonArray received) {
    return received.stream().map(r -> Integer.parseInt(((String) r).split(":")[1])).toList();
  }

  private static String edgeUrl() {
    return "http://127.0.0.1:" + gateway.edgePort();
  }
}
