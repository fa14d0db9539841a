package stream.terminal.lastmile.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import stream.terminal.lastmile.core.ChannelPattern;

/** The {@code identity} section, the channel access options and {@code require_identity}. */
class IdentityConfigTest {
  private static final String HASH = "sha256:" + "ab".repeat(32);
  private static final PublicKey ED25519 = generate("Ed25519", null);
  private static final PublicKey P256 = generate("EC", "secp256r1");

  private static PublicKey generate(String algorithm, String curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (curve != null) {
        generator.initialize(new ECGenParameterSpec(curve));
      }
      return generator.generateKeyPair().getPublic();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base64(PublicKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  private static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  private static JsonObject oidc() {
    return new JsonObject().put("issuer", "https://sso.example.com/realms/main")
        .put("audience", new JsonArray().add("last-mile"));
  }

  /** Two listeners, an issuer, an API key and a public key, as a test changes them. */
  private static JsonObject valid() {
    return new JsonObject()
        .put("identity", new JsonObject()
            .put("oidc", oidc())
            .put("api_keys", new JsonArray().add(new JsonObject().put("id", "feed-1").put("hash", HASH)
                .put("channels", new JsonArray().add("indicators.*")).put("publishes_per_second", 50)))
            .put("public_keys", new JsonArray().add(new JsonObject().put("id", "signer-1").put("key", base64(ED25519))
                .put("channels", new JsonArray().add("indicators.*").add("news")))))
        .put("listeners", new JsonArray()
            .add(new JsonObject().put("name", "public").put("role", "edge").put("port", 8080))
            .add(new JsonObject().put("name", "private").put("role", "ingest").put("port", 8081)));
  }

  private static JsonObject identity(JsonObject config) {
    return config.getJsonObject("identity");
  }

  private static JsonObject channels(JsonObject config) {
    if (!config.containsKey("channels")) {
      config.put("channels", new JsonObject());
    }
    return config.getJsonObject("channels");
  }

  private static ConfigException refused(Consumer<JsonObject> change, String option) {
    JsonObject config = valid();
    change.accept(config);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(config), config.encode());
    assertTrue(e.getMessage().startsWith("invalid configuration: " + option + ": "),
        "expected the message to name " + option + ", got: " + e.getMessage());
    return e;
  }

  private static GatewayConfig parsed(Consumer<JsonObject> change) {
    JsonObject config = valid();
    change.accept(config);
    return ConfigParser.parse(config);
  }

  @Test
  void withoutTheSectionThereIsNoIdentity() {
    GatewayConfig config = ConfigParser.parse(new JsonObject());
    assertEquals(IdentityConfig.NONE, config.identity());
    assertEquals(30, config.identity().leewaySeconds());
    assertFalse(config.listeners().get(0).requireIdentity());
    ChannelPolicy d = config.channelPolicies().fallback();
    assertEquals(SubscribeRule.ANONYMOUS, d.subscribe());
    assertTrue(d.history());
    assertEquals(0, d.maxSubscribers());
    assertEquals(List.of(), d.publishers());
    assertFalse(d.signaturesRequired());
  }

  @Test
  void theWholeSectionIsRead() {
    IdentityConfig identity = ConfigParser.parse(valid()).identity();
    OidcConfig oidc = identity.oidc();
    assertEquals(new OidcConfig("https://sso.example.com/realms/main", List.of("last-mile"), List.of("RS256", "ES256"),
        30, "channels", 30, 3600, null), oidc);
    assertEquals(PublisherTokensConfig.DEFAULTS, identity.publisherTokens());
    assertEquals(SignaturesConfig.DEFAULTS, identity.signatures());
    ApiKeyConfig apiKey = identity.apiKeys().get(0);
    assertEquals("feed-1", apiKey.id());
    assertEquals("ab".repeat(32), apiKey.sha256Hex());
    assertEquals(List.of(ChannelPattern.of("indicators.*")), apiKey.channels());
    assertEquals(new PublishRate(50, 50), apiKey.rate(), "burst 0 means publishes_per_second");
    PublicKeyConfig publicKey = identity.publicKey("signer-1");
    assertEquals(ED25519, publicKey.key());
    assertEquals(KeyAlgorithm.ED25519, publicKey.algorithm());
    assertEquals(PublishRate.UNLIMITED, publicKey.rate());
    assertTrue(identity.hasPublisherKeys());
  }

  @Test
  void everyOidcOptionIsRead() {
    IdentityConfig identity = parsed(c -> identity(c).put("oidc", new JsonObject()
        .put("issuer", "http://127.0.0.1:9000/default").put("audience", new JsonArray().add("a").add("b"))
        .put("algorithms", new JsonArray().add("EdDSA").add("PS256")).put("leeway_seconds", 5)
        .put("channels_claim", "lm_channels").put("jwks_min_refresh_seconds", 1).put("jwks_max_age_seconds", 60)
        .put("jwks_uri", "http://localhost:9000/jwks"))
        .put("publisher_tokens", new JsonObject().put("audience", "edge").put("max_lifetime_seconds", 60))
        .put("signatures", new JsonObject().put("max_skew_seconds", 10))).identity();
    assertEquals(new OidcConfig("http://127.0.0.1:9000/default", List.of("a", "b"), List.of("EdDSA", "PS256"), 5,
        "lm_channels", 1, 60, "http://localhost:9000/jwks"), identity.oidc());
    assertEquals(5, identity.leewaySeconds());
    assertEquals(new PublisherTokensConfig("edge", 60), identity.publisherTokens());
    assertEquals(new SignaturesConfig(10), identity.signatures());
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "HS256", "HS512", "RS1", "hs256"})
  void unsignedHmacAndUnknownAlgorithmsAreRefused(String alg) {
    refused(c -> identity(c).getJsonObject("oidc").put("algorithms", new JsonArray().add("RS256").add(alg)),
        "identity.oidc.algorithms[1]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://sso.example.com", "ftp://127.0.0.1/x", "sso.example.com", "https://"})
  void theIssuerMustBeHttpsOrLoopbackHttp(String issuer) {
    refused(c -> identity(c).getJsonObject("oidc").put("issuer", issuer), "identity.oidc.issuer");
  }

  @Test
  void oidcNeedsAnIssuerAndAnAudience() {
    refused(c -> identity(c).getJsonObject("oidc").remove("issuer"), "identity.oidc.issuer");
    refused(c -> identity(c).getJsonObject("oidc").remove("audience"), "identity.oidc.audience");
    refused(c -> identity(c).getJsonObject("oidc").put("audience", new JsonArray()), "identity.oidc.audience");
    refused(c -> identity(c).getJsonObject("oidc").put("leeway_seconds", 301), "identity.oidc.leeway_seconds");
    refused(c -> identity(c).getJsonObject("oidc").put("jwks_uri", "http://keys.example.com"), "identity.oidc.jwks_uri");
    refused(c -> identity(c).getJsonObject("oidc").put("jwks_max_age_seconds", 59),
        "identity.oidc.jwks_max_age_seconds");
    refused(c -> identity(c).getJsonObject("oidc").put("clock", 1), "identity.oidc.clock");
  }

  @Test
  void apiKeysAreChecked() {
    refused(c -> apiKey(c).put("hash", "sha256:abc"), "identity.api_keys[0].hash");
    refused(c -> apiKey(c).put("hash", "md5:" + "ab".repeat(32)), "identity.api_keys[0].hash");
    refused(c -> apiKey(c).remove("hash"), "identity.api_keys[0].hash");
    refused(c -> apiKey(c).put("id", "feed 1"), "identity.api_keys[0].id");
    refused(c -> apiKey(c).remove("channels"), "identity.api_keys[0].channels");
    refused(c -> apiKey(c).put("channels", new JsonArray().add("a b")), "identity.api_keys[0].channels[0]");
    refused(c -> apiKey(c).put("burst", -1), "identity.api_keys[0].burst");
    refused(c -> apiKey(c).put("key", "x"), "identity.api_keys[0].key");
  }

  private static JsonObject apiKey(JsonObject config) {
    return identity(config).getJsonArray("api_keys").getJsonObject(0);
  }

  @Test
  void idsAreUniqueAcrossBothKindsOfKeys() {
    ConfigException e = refused(c -> identity(c).getJsonArray("public_keys").getJsonObject(0).put("id", "feed-1"),
        "identity.public_keys[0].id");
    assertTrue(e.getMessage().contains("already"), e.getMessage());
    refused(c -> identity(c).getJsonArray("api_keys").add(apiKey(c).copy()), "identity.api_keys[1].id");
  }

  @Test
  void publicKeysAreParsedFromBase64OrPem() {
    PublicKeyConfig p256 = parsed(c -> identity(c).getJsonArray("public_keys").getJsonObject(0)
        .put("key", pem(P256))).identity().publicKeys().get(0);
    assertEquals(P256, p256.key());
    assertEquals(KeyAlgorithm.P256, p256.algorithm());
    assertEquals(ED25519, parsed(c -> identity(c).getJsonArray("public_keys").getJsonObject(0)
        .put("key", pem(ED25519))).identity().publicKeys().get(0).key());
  }

  @Test
  void otherKeysAreRefused() {
    for (String key : List.of(base64(generate("EC", "secp384r1")), base64(generate("RSA", null)), "not base64!",
        Base64.getEncoder().encodeToString("garbage".getBytes()), "-----BEGIN PUBLIC KEY-----\nAAAA")) {
      refused(c -> identity(c).getJsonArray("public_keys").getJsonObject(0).put("key", key),
          "identity.public_keys[0].key");
    }
    refused(c -> identity(c).getJsonArray("public_keys").getJsonObject(0).remove("key"),
        "identity.public_keys[0].key");
  }

  @Test
  void channelAccessIsInheritedFromDefaults() {
    ChannelPolicies policies = parsed(c -> channels(c)
        .put("defaults", new JsonObject().put("subscribe", "signed_in").put("history", false)
            .put("max_subscribers", 100).put("publishers", new JsonArray().add("feed-1")).put("signatures", "required"))
        .put("patterns", new JsonArray()
            .add(new JsonObject().put("pattern", "news.*").put("subscribe", "scope:news:read"))
            .add(new JsonObject().put("pattern", "open.*").put("subscribe", "anonymous").put("history", true)
                .put("publishers", new JsonArray()).put("signatures", "optional"))))
        .channelPolicies();
    ChannelPolicy news = policies.forChannel("news.x");
    assertEquals(SubscribeRule.scope("news:read"), news.subscribe());
    assertFalse(news.history());
    assertEquals(100, news.maxSubscribers());
    assertEquals(List.of("feed-1"), news.publishers());
    assertTrue(news.signaturesRequired());
    ChannelPolicy open = policies.forChannel("open.x");
    assertEquals(SubscribeRule.ANONYMOUS, open.subscribe());
    assertTrue(open.history());
    assertEquals(List.of(), open.publishers());
    assertFalse(open.signaturesRequired());
    assertEquals(SubscribeRule.SIGNED_IN, policies.forChannel("other").subscribe());
  }

  @Test
  void usersPublishOnlyWhereANamespaceSaysSo() {
    ChannelPolicies policies = parsed(c -> channels(c).put("patterns", new JsonArray()
        .add(new JsonObject().put("pattern", "forum.*").put("users_may_publish", true))))
        .channelPolicies();
    assertTrue(policies.forChannel("forum.x").usersMayPublish());
    assertFalse(policies.forChannel("other").usersMayPublish());
    assertTrue(parsed(c -> channels(c).put("defaults", new JsonObject().put("users_may_publish", true)))
        .channelPolicies().forChannel("other").usersMayPublish());
    refused(c -> channels(c).put("defaults", new JsonObject().put("users_may_publish", "yes")),
        "channels.defaults.users_may_publish");
    ConfigException noIssuer = refused(c -> {
      identity(c).remove("oidc");
      channels(c).put("patterns", new JsonArray().add(new JsonObject().put("pattern", "a")
          .put("users_may_publish", true)));
    }, "channels.patterns[0].users_may_publish");
    assertTrue(noIssuer.getMessage().contains("identity.oidc"), noIssuer.getMessage());
  }

  @Test
  void channelAccessOptionsAreChecked() {
    refused(c -> channels(c).put("defaults", new JsonObject().put("subscribe", "everyone")),
        "channels.defaults.subscribe");
    refused(c -> channels(c).put("defaults", new JsonObject().put("subscribe", "scope:")),
        "channels.defaults.subscribe");
    refused(c -> channels(c).put("patterns", new JsonArray().add(new JsonObject().put("pattern", "a")
        .put("publishers", new JsonArray().add("feed-1").add("nobody")))), "channels.patterns[0].publishers[1]");
    refused(c -> channels(c).put("defaults", new JsonObject().put("signatures", "always")),
        "channels.defaults.signatures");
    refused(c -> channels(c).put("defaults", new JsonObject().put("max_subscribers", -1)),
        "channels.defaults.max_subscribers");
  }

  @ParameterizedTest
  @ValueSource(strings = {"signed_in", "channels_claim", "scope:read"})
  void userRulesNeedAnIssuer(String rule) {
    refused(c -> {
      identity(c).remove("oidc");
      channels(c).put("patterns", new JsonArray().add(new JsonObject().put("pattern", "a").put("subscribe", rule)));
    }, "channels.patterns[0].subscribe");
  }

  @Test
  void requireIdentityIsReadAndNeedsSomeCredential() {
    assertTrue(parsed(c -> c.getJsonArray("listeners").getJsonObject(0).put("require_identity", true))
        .listeners().get(0).requireIdentity());
    refused(c -> {
      c.remove("identity");
      c.getJsonArray("listeners").getJsonObject(0).put("require_identity", true);
    }, "listeners[0].require_identity");
  }

  @Test
  void anIngestListenerOffLoopbackMayRelyOnPublisherKeys() {
    JsonObject ingest = new JsonObject().put("name", "private").put("role", "ingest").put("host", "0.0.0.0")
        .put("port", 8081);
    refused(c -> c.getJsonArray("listeners").set(1, ingest.copy()), "listeners[1].host");
    assertTrue(parsed(c -> c.getJsonArray("listeners").set(1, ingest.copy().put("require_identity", true)))
        .listeners().get(1).requireIdentity());
    // a user's sign-on admits no publisher: an issuer alone does not let the listener leave loopback
    ConfigException usersOnly = refused(c -> {
      identity(c).remove("api_keys");
      identity(c).remove("public_keys");
      c.getJsonArray("listeners").set(1, ingest.copy().put("require_identity", true));
    }, "listeners[1].host");
    assertTrue(usersOnly.getMessage().contains("a user's sign-on (identity.oidc) admits none"), usersOnly.getMessage());
  }

  @Test
  void unknownIdentityOptionsAreRefused() {
    refused(c -> identity(c).put("api_key", new JsonArray()), "identity.api_key");
    refused(c -> identity(c).put("signatures", new JsonObject().put("max_skew_seconds", 0)),
        "identity.signatures.max_skew_seconds");
    refused(c -> identity(c).put("publisher_tokens", new JsonObject().put("max_lifetime_seconds", 3601)),
        "identity.publisher_tokens.max_lifetime_seconds");
    assertNull(parsed(c -> identity(c).remove("oidc")).identity().oidc());
  }
}
