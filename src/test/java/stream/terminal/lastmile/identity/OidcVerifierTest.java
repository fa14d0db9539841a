package stream.terminal.lastmile.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.config.OidcConfig;
import stream.terminal.lastmile.core.ChannelPattern;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.support.MockOidcProvider;
import stream.terminal.lastmile.support.MockOidcProvider.Case;

/** {@link OidcVerifier} against a real OIDC provider (mock-oauth2-server in its own process) on loopback. */
class OidcVerifierTest {
  private static final String MAIN = "main";
  /** Another key of the provider, published as the rotation of MAIN's (tokens keep MAIN's iss). */
  private static final String ROTATED = "rotated";

  private static MockOidcProvider provider;
  private static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    provider = MockOidcProvider.start(MAIN, ROTATED);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      provider.close();
    }
  }

  @Test
  void aValidTokenGivesTheUsersIdentityThroughDiscovery() throws Exception {
    OidcVerifier verifier = verifier(config(30, 30, null), Clock.systemUTC());
    long before = System.currentTimeMillis();
    String token = token(Case.VALID, Map.of("sub", "bob", "scope", "read write",
        "channels", "indicators.* news not/a/pattern"));

    Identity identity = verify(verifier, token);

    assertEquals(Identity.Kind.USER, identity.kind());
    assertEquals("bob", identity.subject());
    assertEquals(Set.of("read", "write"), identity.scopes());
    assertEquals(List.of(ChannelPattern.of("indicators.*"), ChannelPattern.of("news")), identity.channels());
    assertTrue(identity.covers("indicators.eurusd") && !identity.covers("sports"));
    // the provider's tokens live an hour; exp is whole seconds
    long lifetime = identity.expiresAtMs() - before;
    assertTrue(lifetime > 3_590_000 && lifetime <= 3_600_000, "expires in " + lifetime + " ms");
    assertEquals(0, identity.expiresAtMs() % 1000);
  }

  @Test
  void eachBadTokenIsRefusedWithItsCode() throws Exception {
    OidcVerifier verifier = verifier(config(30, 30, null), Clock.systemUTC());
    assertRefused(verifier, token(Case.EXPIRED, Map.of()), ErrorCode.TOKEN_EXPIRED, "expired");
    assertRefused(verifier, token(Case.NOT_YET_VALID, Map.of()), ErrorCode.INVALID_TOKEN, "not yet valid (nbf)");
    assertRefused(verifier, token(Case.ISSUED_IN_FUTURE, Map.of()), ErrorCode.INVALID_TOKEN,
        "issued in the future (iat)");
    assertRefused(verifier, token(Case.VALID, Map.of("aud", "another-service")), ErrorCode.INVALID_TOKEN, "audience");
    assertRefused(verifier, token(Case.VALID, Map.of("iss", "https://elsewhere.example/main")), ErrorCode.INVALID_TOKEN,
        "issuer");
    assertRefused(verifier, token(Case.VALID, Map.of("sub", " ")), ErrorCode.INVALID_TOKEN, "subject (sub) is empty");
  }

  @Test
  void unsignedAndHmacTokensAndGarbageAreRefusedWithoutAnyFetch() throws Exception {
    try (JwksRelay relay = JwksRelay.start(vertx, provider, MAIN)) {
      OidcVerifier verifier = verifier(config(30, 30, relay.uri()), Clock.systemUTC());
      JWTClaimsSet claims = SignedJWT.parse(token(Case.VALID, Map.of())).getJWTClaimsSet();
      // HS256 keyed with the bytes of the provider's public key: the classic algorithm confusion
      RSAKey published = JWKSet.load(URI.create(provider.jwksUri(MAIN)).toURL()).getKeys().get(0).toRSAKey();
      SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(MAIN).build(), claims);
      confused.sign(new MACSigner(published.toRSAPublicKey().getEncoded()));

      assertRefused(verifier, new PlainJWT(claims).serialize(), ErrorCode.INVALID_TOKEN, "unsigned (alg none)");
      assertRefused(verifier, confused.serialize(), ErrorCode.INVALID_TOKEN, "algorithm HS256 is not accepted");
      assertRefused(verifier, "not.a.jwt", ErrorCode.INVALID_TOKEN, "not a well-formed JWT");
      assertRefused(verifier, "", ErrorCode.INVALID_TOKEN, "not a well-formed JWT");
      assertEquals(0, relay.fetches());
    }
  }

  @Test
  void aTokenSignedWithAKeyTheIssuerNeverPublishedIsRefused() throws Exception {
    try (JwksRelay relay = JwksRelay.start(vertx, provider, MAIN)) {
      OidcVerifier verifier = verifier(config(30, 30, relay.uri()), Clock.systemUTC());
      JWTClaimsSet claims = SignedJWT.parse(token(Case.VALID, Map.of())).getJWTClaimsSet();
      RSAKey intruder = new RSAKeyGenerator(2048).keyID("intruder").generate();
      assertRefused(verifier, sign(claims, intruder), ErrorCode.INVALID_TOKEN, "no key of the issuer matches");
      // and under the issuer's own kid, the signature is what fails
      RSAKey impostor = new RSAKeyGenerator(2048).keyID(MAIN).generate();
      assertRefused(verifier, sign(claims, impostor), ErrorCode.INVALID_TOKEN, "signature does not verify");
      assertEquals(1, relay.fetches(), "the first token fetches the keys; the unknown kid may refetch once later");
    }
  }

  @Test
  void aRotatedKeyIsAcceptedOnceTheJwksIsRefetchedAndRefetchesAreBounded() throws Exception {
    TestClock clock = new TestClock();
    try (JwksRelay relay = JwksRelay.start(vertx, provider, MAIN)) {
      OidcVerifier verifier = verifier(config(30, 30, relay.uri()), clock);
      verify(verifier, token(Case.VALID, Map.of()));
      assertEquals(1, relay.fetches());
      String rotated = provider.token(ROTATED, Case.VALID, Map.of("iss", provider.issuer(MAIN)));
      assertEquals(ROTATED, SignedJWT.parse(rotated).getHeader().getKeyID());

      // the issuer publishes the new key; within jwks_min_refresh_seconds of the last fetch the node does not ask
      relay.publish(MAIN, ROTATED);
      assertRefused(verifier, rotated, ErrorCode.INVALID_TOKEN, "no key of the issuer matches");
      assertEquals(1, relay.fetches());

      clock.advance(Duration.ofSeconds(30));
      Identity identity = verify(verifier, rotated);
      assertEquals("alice", identity.subject());
      assertEquals(2, relay.fetches());
      // tokens under both keys verify from the cache now
      verify(verifier, token(Case.VALID, Map.of()));
      verify(verifier, rotated);
      assertEquals(2, relay.fetches());
    }
  }

  @Test
  void aFloodOfUnknownKeyIdsCostsTheIssuerOneFetchPerInterval() throws Exception {
    TestClock clock = new TestClock();
    try (JwksRelay relay = JwksRelay.start(vertx, provider, MAIN)) {
      OidcVerifier verifier = verifier(config(30, 30, relay.uri()), clock);
      JWTClaimsSet claims = SignedJWT.parse(token(Case.VALID, Map.of())).getJWTClaimsSet();
      RSAKey attacker = new RSAKeyGenerator(2048).generate();
      List<String> flood = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        flood.add(sign(claims, new RSAKey.Builder(attacker).keyID(UUID.randomUUID().toString()).build()));
      }
      for (int round = 1; round <= 3; round++) {
        // all at once: the first starts the fetch, the others share it
        List<Future<Identity>> results = flood.stream().map(verifier::verify).toList();
        for (Future<Identity> result : results) {
          ExecutionException e = assertThrows(ExecutionException.class,
              () -> result.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
          assertEquals(ErrorCode.INVALID_TOKEN, ((GatewayException) e.getCause()).code());
        }
        assertEquals(round, relay.fetches(), "fetches after round " + round);
        // the same flood again within the interval: no fetch at all
        flood.forEach(verifier::verify);
        assertEquals(round, relay.fetches());
        clock.advance(Duration.ofSeconds(30));
      }
    }
  }

  @Test
  void anUnreachableIssuerRefusesTokensWithinTheFetchTimeout() throws Exception {
    String token = token(Case.VALID, Map.of());
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    OidcVerifier refused = verifier(config(30, 30, "http://127.0.0.1:" + closedPort + "/jwks"), Clock.systemUTC());
    assertRefusedWithin(refused, token, Duration.ofSeconds(2));

    // one that accepts connections and never answers
    HttpServer silent = vertx.createHttpServer().requestHandler(request -> {})
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      OidcVerifier hanging = verifier(config(30, 30, "http://127.0.0.1:" + silent.actualPort() + "/jwks"), Clock.systemUTC());
      assertRefusedWithin(hanging, token, Duration.ofMillis(JsonDocuments.TIMEOUT_MS + 2_000));
    } finally {
      silent.close();
    }

    // one that answers without end: the body is cut at the bound, not buffered
    HttpServer endless = vertx.createHttpServer().requestHandler(request -> {
      request.response().setChunked(true).putHeader("Content-Type", "application/json").write("{\"keys\":[\"");
      request.response().write("x".repeat(JsonDocuments.MAX_BYTES + 1));
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      OidcVerifier flooded = verifier(config(30, 30, "http://127.0.0.1:" + endless.actualPort() + "/jwks"), Clock.systemUTC());
      assertRefusedWithin(flooded, token, Duration.ofSeconds(3));
    } finally {
      endless.close();
    }
  }

  @Test
  void keysOlderThanTheMaxAgeAreRefetched() throws Exception {
    TestClock clock = new TestClock();
    try (JwksRelay relay = JwksRelay.start(vertx, provider, MAIN)) {
      OidcVerifier verifier = verifier(config(30, 30, relay.uri()), clock);
      String token = token(Case.VALID, Map.of());
      verify(verifier, token);
      clock.advance(Duration.ofSeconds(3599));
      verify(verifier, token);
      assertEquals(1, relay.fetches());
      clock.advance(Duration.ofSeconds(1));
      verify(verifier, token);
      assertEquals(2, relay.fetches());
    }
  }

  @Test
  void aDiscoveryDocumentNamingAnotherIssuerIsNotTrusted() throws Exception {
    // the provider's discovery for MAIN names MAIN's issuer; configured with a trailing path it does not match
    OidcConfig config = new OidcConfig(provider.issuer(MAIN) + "/x/..", List.of("last-mile"), List.of("RS256"), 30,
        "channels", 30, 3600, null);
    assertRefused(new OidcVerifier(vertx, config, Clock.systemUTC()), token(Case.VALID, Map.of()), ErrorCode.INVALID_TOKEN,
        "keys are unavailable");
  }

  @Test
  void theLeewayAppliesToExpiry() throws Exception {
    String token = token(Case.VALID, Map.of());
    long exp = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().getTime();
    Clock fiveSecondsAfterExpiry = Clock.fixed(Instant.ofEpochMilli(exp + 5_000), ZoneOffset.UTC);
    assertEquals("alice", verify(verifier(config(30, 30, null), fiveSecondsAfterExpiry), token).subject());
    assertRefused(verifier(config(0, 30, null), fiveSecondsAfterExpiry), token, ErrorCode.TOKEN_EXPIRED, "expired");
  }

  @Test
  void theLeewayAppliesToIssuedAt() throws Exception {
    KeyPair signer = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    try (JwksRelay relay = JwksRelay.start(vertx, provider, MAIN)) {
      relay.alsoPublish(ed25519Jwk("ed-iat", signer));
      OidcConfig config = new OidcConfig(provider.issuer(MAIN), List.of("last-mile"), List.of("EdDSA"), 30,
          "channels", 30, 3600, relay.uri());
      OidcVerifier verifier = verifier(config, Clock.systemUTC());
      JWTClaimsSet valid = SignedJWT.parse(token(Case.VALID, Map.of("sub", "dan"))).getJWTClaimsSet();
      long now = System.currentTimeMillis();
      // an issuer whose clock runs 20 s ahead of ours: within the 30 s leeway; a minute ahead: refused
      JWTClaimsSet ahead = new JWTClaimsSet.Builder(valid).notBeforeTime(null).issueTime(new Date(now + 20_000))
          .build();
      assertEquals("dan", verify(verifier, signEd25519(ahead, "ed-iat", signer)).subject());
      JWTClaimsSet future = new JWTClaimsSet.Builder(valid).notBeforeTime(null).issueTime(new Date(now + 60_000))
          .build();
      assertRefused(verifier, signEd25519(future, "ed-iat", signer), ErrorCode.INVALID_TOKEN,
          "issued in the future (iat)");
    }
  }

  @Test
  void anAlgorithmOutsideTheAllowListIsRefused() throws Exception {
    OidcConfig es256Only = new OidcConfig(provider.issuer(MAIN), List.of("last-mile"), List.of("ES256"), 30, "channels",
        30, 3600, null);
    assertRefused(new OidcVerifier(vertx, es256Only, Clock.systemUTC()), token(Case.VALID, Map.of()),
        ErrorCode.INVALID_TOKEN, "algorithm RS256 is not accepted");
  }

  @Test
  void anEd25519TokenIsVerifiedWithTheJdk() throws Exception {
    KeyPair signer = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    KeyPair impostor = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    try (JwksRelay relay = JwksRelay.start(vertx, provider, MAIN)) {
      relay.alsoPublish(ed25519Jwk("ed-1", signer));
      OidcConfig config = new OidcConfig(provider.issuer(MAIN), List.of("last-mile"), List.of("RS256", "EdDSA"), 30,
          "channels", 30, 3600, relay.uri());
      OidcVerifier verifier = verifier(config, Clock.systemUTC());
      JWTClaimsSet claims = SignedJWT.parse(token(Case.VALID, Map.of("sub", "carol"))).getJWTClaimsSet();

      assertEquals("carol", verify(verifier, signEd25519(claims, "ed-1", signer)).subject());
      assertRefused(verifier, signEd25519(claims, "ed-1", impostor), ErrorCode.INVALID_TOKEN, "signature does not verify");
      OidcConfig rsaOnly = new OidcConfig(config.issuer(), config.audience(), List.of("RS256"), 30, "channels", 30, 3600,
          relay.uri());
      assertRefused(verifier(rsaOnly, Clock.systemUTC()), signEd25519(claims, "ed-1", signer), ErrorCode.INVALID_TOKEN,
          "algorithm EdDSA is not accepted");
    }
  }

  /** Not asserted: how long one warm validation takes (RS256, 2048-bit key, keys cached). */
  @Test
  void measureAWarmValidation() throws Exception {
    OidcVerifier verifier = verifier(config(30, 30, null), Clock.systemUTC());
    String token = token(Case.VALID, Map.of("channels", "indicators.*", "scope", "read"));
    for (int i = 0; i < 2_000; i++) {
      verify(verifier, token);
    }
    int rounds = 5_000;
    long start = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      verify(verifier, token);
    }
    System.out.printf("OidcVerifier: %.1f µs per warm RS256 validation (%d rounds)%n",
        (System.nanoTime() - start) / 1_000.0 / rounds, rounds);
  }

  private static OidcConfig config(int leewaySeconds, int minRefreshSeconds, String jwksUri) {
    return new OidcConfig(provider.issuer(MAIN), List.of("other", "last-mile"), List.of("RS256", "ES256"), leewaySeconds,
        "channels", minRefreshSeconds, 3600, jwksUri);
  }

  private static OidcVerifier verifier(OidcConfig config, Clock clock) {
    return new OidcVerifier(vertx, config, clock);
  }

  private static String token(Case shape, Map<String, String> claims) throws Exception {
    return provider.token(MAIN, shape, claims);
  }

  private static String sign(JWTClaimsSet claims, RSAKey key) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static OctetKeyPair ed25519Jwk(String kid, KeyPair pair) {
    byte[] spki = pair.getPublic().getEncoded();
    byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyID(kid).keyUse(KeyUse.SIGNATURE).build();
  }

  /** Signed with the JDK (Nimbus's Ed25519 signer needs Tink). */
  private static String signEd25519(JWTClaimsSet claims, String kid, KeyPair pair) throws Exception {
    Base64URL header = new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(kid).build().toBase64URL();
    Base64URL payload = Base64URL.encode(claims.toString());
    Signature signature = Signature.getInstance("Ed25519");
    signature.initSign(pair.getPrivate());
    signature.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
    return new SignedJWT(header, payload, Base64URL.encode(signature.sign())).serialize();
  }

  private static Identity verify(OidcVerifier verifier, String token) throws Exception {
    return verifier.verify(token).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static void assertRefused(OidcVerifier verifier, String token, ErrorCode code, String because) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> verify(verifier, token));
    GatewayException refusal = (GatewayException) e.getCause();
    assertEquals(code, refusal.code(), refusal.getMessage());
    assertTrue(refusal.getMessage().contains(because), refusal.getMessage());
    assertTrue(token.isEmpty() || !refusal.getMessage().contains(token), "the token must never be echoed");
  }

  private static void assertRefusedWithin(OidcVerifier verifier, String token, Duration bound) {
    long start = System.nanoTime();
    assertRefused(verifier, token, ErrorCode.INVALID_TOKEN, "the issuer's keys are unavailable");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(bound) < 0, "refused after " + took.toMillis() + " ms");
  }

  /** The system clock plus an offset the test advances (key refresh intervals without waiting). */
  private static final class TestClock extends Clock {
    private final AtomicLong offsetMs = new AtomicLong();

    void advance(Duration by) {
      offsetMs.addAndGet(by.toMillis());
    }

    @Override
    public long millis() {
      return System.currentTimeMillis() + offsetMs.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
