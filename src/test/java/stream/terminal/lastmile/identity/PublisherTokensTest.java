package stream.terminal.lastmile.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import stream.terminal.lastmile.config.IdentityConfig;
import stream.terminal.lastmile.core.ChannelPattern;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;

/** Publisher JWTs signed with real Ed25519 and P-256 keys: what is accepted, and each way one is refused. */
class PublisherTokensTest {
  private static final long NOW = 1_764_489_600_000L;
  private static final long NOW_S = NOW / 1000;
  private static final KeyPair ED = TestKeys.ed25519();
  private static final KeyPair EC = TestKeys.p256();
  private static final IdentityConfig CONFIG = TestKeys.identity(List.of(),
      List.of(TestKeys.publicKey("ed", ED, "indicators.*"), TestKeys.publicKey("ec", EC, "news")));

  private final TestKeys.MutableClock clock = new TestKeys.MutableClock(NOW);
  private final PublisherTokens tokens = new PublisherTokens(CONFIG, clock);

  private static String header(String alg, String kid) {
    return "{\"alg\":\"" + alg + "\",\"kid\":\"" + kid + "\"}";
  }

  private static String claims(long iat, long exp, String jti) {
    return "{\"aud\":\"last-mile\",\"iat\":" + iat + ",\"exp\":" + exp + (jti == null ? "" : ",\"jti\":\"" + jti + "\"")
        + "}";
  }

  private Identity verify(String token) throws ParseException {
    return tokens.verify(SignedJWT.parse(token));
  }

  private GatewayException refused(ErrorCode code, String token, String reason) {
    GatewayException e = assertThrows(GatewayException.class, () -> verify(token));
    assertEquals(code, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    return e;
  }

  @ParameterizedTest
  @ValueSource(strings = {"ed", "ec"})
  void aFreshTokenGivesTheKeysIdentityOnce(String kid) throws ParseException {
    KeyPair pair = kid.equals("ed") ? ED : EC;
    String token = JwsSigner.publisherToken(pair.getPrivate(), kid, "last-mile", Instant.ofEpochMilli(NOW), 60);
    Identity identity = verify(token);
    assertEquals(Identity.Kind.PUBLIC_KEY, identity.kind());
    assertEquals(kid, identity.subject());
    assertEquals(0, identity.expiresAtMs());
    assertEquals(CONFIG.publicKey(kid).channels(), identity.channels());
    refused(ErrorCode.INVALID_TOKEN, token, "replayed");
  }

  @Test
  void theSignatureMustBeTheKeys() {
    KeyPair other = TestKeys.ed25519();
    refused(ErrorCode.INVALID_TOKEN, JwsSigner.sign(other.getPrivate(), header("EdDSA", "ed"), claims(NOW_S, NOW_S + 60,
        "a")), "bad signature");
    String good = JwsSigner.sign(ED.getPrivate(), header("EdDSA", "ed"), claims(NOW_S, NOW_S + 60, "b"));
    String[] parts = good.split("\\.");
    String tamperedClaims = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(claims(NOW_S, NOW_S + 61, "b").getBytes());
    refused(ErrorCode.INVALID_TOKEN, parts[0] + "." + tamperedClaims + "." + parts[2], "bad signature");
    // a P-256 token signed by the wrong P-256 key
    refused(ErrorCode.INVALID_TOKEN, JwsSigner.sign(TestKeys.p256().getPrivate(), header("ES256", "ec"),
        claims(NOW_S, NOW_S + 60, "c")), "bad signature");
  }

  @Test
  void theAlgorithmMustBeTheKeys() throws JOSEException {
    // the Ed25519 key's token claiming ES256, and an HMAC keyed with the public key's bytes
    refused(ErrorCode.INVALID_TOKEN, JwsSigner.sign(EC.getPrivate(), header("ES256", "ed"),
        claims(NOW_S, NOW_S + 60, "d")), "alg ES256 is not accepted");
    SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("ec").build(),
        new JWTClaimsSet.Builder().audience("last-mile").issueTime(new java.util.Date(NOW))
            .expirationTime(new java.util.Date(NOW + 60_000)).jwtID("e").build());
    hmac.sign(new MACSigner(EC.getPublic().getEncoded()));
    refused(ErrorCode.INVALID_TOKEN, hmac.serialize(), "alg HS256 is not accepted");
  }

  @Test
  void criticalExtensionsAreRefused() {
    for (KeyPair pair : List.of(ED, EC)) {
      String kid = pair == ED ? "ed" : "ec";
      String alg = pair == ED ? "EdDSA" : "ES256";
      refused(ErrorCode.INVALID_TOKEN, JwsSigner.sign(pair.getPrivate(),
          "{\"alg\":\"" + alg + "\",\"kid\":\"" + kid + "\",\"crit\":[\"exp-ext\"],\"exp-ext\":1}",
          claims(NOW_S, NOW_S + 60, "crit-" + kid)), "bad signature");
    }
  }

  @Test
  void anUnsignedTokenDoesNotParseAsSigned() {
    String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"kid\":\"ed\"}".getBytes())
        + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims(NOW_S, NOW_S + 60, "f").getBytes()) + ".";
    assertThrows(ParseException.class, () -> SignedJWT.parse(none));
  }

  @Test
  void timesAreChecked() {
    refused(ErrorCode.TOKEN_EXPIRED, token(NOW_S - 100, NOW_S - 31, "g"), "expired");
    verify(NOW_S - 100, NOW_S - 29, "h"); // within the 30 s leeway
    refused(ErrorCode.INVALID_TOKEN, token(NOW_S + 31, NOW_S + 60, "i"), "iat is in the future");
    refused(ErrorCode.INVALID_TOKEN, token(NOW_S, NOW_S + 301, "j"), "lifetime");
    refused(ErrorCode.INVALID_TOKEN, token(NOW_S, NOW_S, "k"), "lifetime");
    refused(ErrorCode.INVALID_TOKEN, JwsSigner.sign(ED.getPrivate(), header("EdDSA", "ed"),
        "{\"aud\":\"last-mile\",\"iat\":" + NOW_S + ",\"exp\":" + (NOW_S + 60) + ",\"nbf\":" + (NOW_S + 40)
            + ",\"jti\":\"l\"}"), "nbf");
    refused(ErrorCode.INVALID_TOKEN, JwsSigner.sign(ED.getPrivate(), header("EdDSA", "ed"),
        "{\"aud\":\"last-mile\",\"exp\":" + (NOW_S + 60) + ",\"jti\":\"m\"}"), "iat and exp required");
  }

  private void verify(long iat, long exp, String jti) {
    try {
      verify(token(iat, exp, jti));
    } catch (ParseException e) {
      throw new AssertionError(e);
    }
  }

  private static String token(long iat, long exp, String jti) {
    return JwsSigner.sign(ED.getPrivate(), header("EdDSA", "ed"), claims(iat, exp, jti));
  }

  @Test
  void audienceIssuerAndJtiAreChecked() {
    refused(ErrorCode.INVALID_TOKEN, JwsSigner.sign(ED.getPrivate(), header("EdDSA", "ed"),
        claims(NOW_S, NOW_S + 60, "n").replace("last-mile", "other")), "aud");
    refused(ErrorCode.INVALID_TOKEN, JwsSigner.sign(ED.getPrivate(), header("EdDSA", "ed"),
        claims(NOW_S, NOW_S + 60, "o").replace("{", "{\"iss\":\"ec\",")), "iss");
    refused(ErrorCode.INVALID_TOKEN, token(NOW_S, NOW_S + 60, null), "jti required");
    refused(ErrorCode.INVALID_TOKEN, token(NOW_S, NOW_S + 60, "x".repeat(257)), "jti required");
    verify(NOW_S, NOW_S + 60, "p");
    try {
      assertEquals("ed", verify(JwsSigner.sign(ED.getPrivate(), header("EdDSA", "ed"),
          claims(NOW_S, NOW_S + 60, "q").replace("{", "{\"iss\":\"ed\","))).subject());
    } catch (ParseException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aJtiIsForgottenOnlyAfterItsTokenCouldNoLongerBeUsed() throws ParseException {
    String token = token(NOW_S, NOW_S + 60, "r");
    verify(token);
    clock.advance(60_000 + 30_000); // exp + leeway: still refused as replayed
    refused(ErrorCode.INVALID_TOKEN, token, "replayed");
    clock.advance(1);
    refused(ErrorCode.TOKEN_EXPIRED, token, "expired");
    // the same jti under another key is another token
    verify(JwsSigner.sign(EC.getPrivate(), header("ES256", "ec"), claims(NOW_S + 90, NOW_S + 120, "r")));
  }

  @Test
  void oneKeyKeepsABoundedNumberOfLiveJtis() throws ParseException {
    PublisherTokens small = new PublisherTokens(CONFIG, clock, 3);
    for (String jti : List.of("1", "2", "3")) {
      small.verify(SignedJWT.parse(token(NOW_S, NOW_S + 60, jti)));
    }
    GatewayException e = assertThrows(GatewayException.class,
        () -> small.verify(SignedJWT.parse(token(NOW_S, NOW_S + 60, "4"))));
    assertEquals(ErrorCode.RATE_LIMITED, e.code());
    // another key is not affected; once the first ones expire there is room again
    small.verify(SignedJWT.parse(JwsSigner.sign(EC.getPrivate(), header("ES256", "ec"), claims(NOW_S, NOW_S + 60, "4"))));
    clock.advance(90_001);
    small.verify(SignedJWT.parse(token(NOW_S + 90, NOW_S + 150, "4")));
  }

  @Test
  void anUnknownKidIsRefused() {
    refused(ErrorCode.INVALID_TOKEN, JwsSigner.sign(ED.getPrivate(), header("EdDSA", "nobody"),
        claims(NOW_S, NOW_S + 60, "s")), "unknown key id");
  }

  @Test
  void theKeysChannelsAreItsPatterns() throws ParseException {
    Identity identity = verify(JwsSigner.sign(EC.getPrivate(), header("ES256", "ec"), claims(NOW_S, NOW_S + 60, "t")));
    assertEquals(List.of(ChannelPattern.of("news")), identity.channels());
  }
}
