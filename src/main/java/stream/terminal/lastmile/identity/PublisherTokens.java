package stream.terminal.lastmile.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import stream.terminal.lastmile.config.IdentityConfig;
import stream.terminal.lastmile.config.PublicKeyConfig;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;

/**
 * Publisher JWTs: a publisher proves it holds a whitelisted private key by signing a short-lived, single-use token
 * (docs/configuration.md, identity). No shared secret crosses the wire. Thread-safe.
 */
public final class PublisherTokens {
  /** Live token ids one key may have on a node: past it, new tokens of that key are refused until some expire. */
  static final int MAX_LIVE_IDS_PER_KEY = 10_000;
  private static final int MAX_JTI_CHARS = 256;

  private record Key(PublicKeyConfig config, JWSVerifier verifier) {}

  private final Map<String, Key> keys;
  private final String audience;
  private final long maxLifetimeMs;
  private final long leewayMs;
  private final Clock clock;
  private final SeenTokenIds seen;

  public PublisherTokens(IdentityConfig config, Clock clock) {
    this(config, clock, MAX_LIVE_IDS_PER_KEY);
  }

  PublisherTokens(IdentityConfig config, Clock clock, int maxLiveIdsPerKey) {
    this.keys = config.publicKeys().stream()
        .collect(Collectors.toUnmodifiableMap(PublicKeyConfig::id, k -> new Key(k, verifier(k))));
    this.audience = config.publisherTokens().audience();
    this.maxLifetimeMs = config.publisherTokens().maxLifetimeSeconds() * 1000L;
    this.leewayMs = config.leewaySeconds() * 1000L;
    this.clock = clock;
    this.seen = new SeenTokenIds(maxLiveIdsPerKey);
  }

  private static JWSVerifier verifier(PublicKeyConfig key) {
    return new KeyJwsVerifier(KeyVerifier.of(key.key()));
  }

  /** Whether the token names one of the whitelisted keys, so this class, not the OIDC issuer, decides on it. */
  public boolean issuedBy(SignedJWT token) {
    String kid = token.getHeader().getKeyID();
    return kid != null && keys.containsKey(kid);
  }

  /**
   * @return the key's identity: subject its id, channels its patterns, never expiring (the token proves
   *     possession when presented)
   * @throws GatewayException {@code invalid_token} (unknown key, wrong algorithm, bad signature, audience, issuer,
   *     lifetime, not yet valid, replayed or missing jti), {@code token_expired}, {@code rate_limited} (the key
   *     has too many live tokens on this node)
   */
  public Identity verify(SignedJWT token) {
    String kid = token.getHeader().getKeyID();
    Key key = kid == null ? null : keys.get(kid);
    if (key == null) {
      throw invalid("unknown key id '" + kid + "'");
    }
    String alg = token.getHeader().getAlgorithm().getName();
    if (!alg.equals(key.config().algorithm().jws())) {
      throw invalid("alg " + alg + " is not accepted for key '" + kid + "' (expects " + key.config().algorithm().jws()
          + ")");
    }
    try {
      if (!token.verify(key.verifier())) {
        throw invalid("bad signature");
      }
    } catch (JOSEException e) {
      throw invalid("bad signature");
    }
    JWTClaimsSet claims;
    try {
      claims = token.getJWTClaimsSet();
    } catch (ParseException e) {
      throw invalid("malformed claims");
    }
    long now = clock.millis();
    long expMs = checkTimes(claims, now);
    if (!List.of(audience).equals(claims.getAudience())) {
      throw invalid("aud must be '" + audience + "'");
    }
    if (claims.getIssuer() != null && !claims.getIssuer().equals(kid)) {
      throw invalid("iss, when present, must be the key id");
    }
    String jti = claims.getJWTID();
    if (jti == null || jti.isEmpty() || jti.length() > MAX_JTI_CHARS) {
      throw invalid("jti required (1-" + MAX_JTI_CHARS + " characters): a publisher token is single-use");
    }
    switch (seen.remember(kid, jti, expMs + leewayMs, now)) {
      case REPLAYED -> throw invalid("replayed: this jti was used already");
      case FULL -> throw new GatewayException(ErrorCode.RATE_LIMITED,
          "key '" + kid + "' has too many unexpired publisher tokens on this node; retry later");
      case FRESH -> { }
    }
    return new Identity(Identity.Kind.PUBLIC_KEY, kid, Set.of(), key.config().channels(), 0);
  }

  /** @return exp in ms */
  private long checkTimes(JWTClaimsSet claims, long now) {
    Date iat = claims.getIssueTime();
    Date exp = claims.getExpirationTime();
    if (iat == null || exp == null) {
      throw invalid("iat and exp required");
    }
    if (exp.getTime() + leewayMs < now) {
      throw new GatewayException(ErrorCode.TOKEN_EXPIRED, "the publisher token has expired");
    }
    if (iat.getTime() - leewayMs > now) {
      throw invalid("iat is in the future");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nbf.getTime() - leewayMs > now) {
      throw invalid("not valid yet (nbf is in the future)");
    }
    long lifetime = exp.getTime() - iat.getTime();
    if (lifetime <= 0 || lifetime > maxLifetimeMs) {
      throw invalid("lifetime (exp - iat) must be 1-" + maxLifetimeMs / 1000 + " s");
    }
    return exp.getTime();
  }

  private static GatewayException invalid(String why) {
    return new GatewayException(ErrorCode.INVALID_TOKEN, "publisher token: " + why);
  }
}
