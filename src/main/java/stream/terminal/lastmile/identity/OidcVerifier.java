package stream.terminal.lastmile.identity;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import stream.terminal.lastmile.config.OidcConfig;
import stream.terminal.lastmile.core.ChannelPattern;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;

/**
 * Validates OIDC access tokens (JWS) against the issuer's published keys, with Nimbus: the algorithm allow-list,
 * the signature, exact {@code iss}, one of the accepted audiences, a required {@code exp}, {@code nbf} and {@code iat}
 * (not in the future), with the configured leeway. The token is parsed and its algorithm checked before any key is fetched, so malformed input
 * never reaches the issuer. Thread-safe: one per node, shared by every event loop.
 */
public final class OidcVerifier implements UserTokens {
  /** The characters of a channel pattern (as in configuration); a claim's other entries are ignored. */
  private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9._:@*-]{1,128}");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private final OidcConfig config;
  private final Clock clock;
  private final Set<JWSAlgorithm> algorithms = new HashSet<>();
  private final JwksCache keys;
  private final DefaultJWTProcessor<KeysContext> processor = new DefaultJWTProcessor<>();

  /** Carries the key set one verification uses into Nimbus's key selection. */
  private record KeysContext(JWKSet keys) implements SecurityContext {}

  public OidcVerifier(Vertx vertx, OidcConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    for (String name : config.algorithms()) {
      algorithms.add(JWSAlgorithm.parse(name));
    }
    this.keys = new JwksCache(config, clock, new JsonDocuments(vertx));
    // RFC 9068 access tokens are typed at+jwt; most issuers still say JWT or nothing
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
        JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));
    JWSVerificationKeySelector<KeysContext> standard =
        new JWSVerificationKeySelector<>(algorithms, (selector, context) -> selector.select(context.keys()));
    processor.setJWSKeySelector((header, context) -> KeyJwsVerifier.ed25519(header.getAlgorithm())
        ? ed25519Keys(header, context.keys())
        : standard.selectJWSKeys(header, context));
    processor.setJWSVerifierFactory(new KeyJwsVerifier.Factory());
    DefaultJWTClaimsVerifier<KeysContext> claims = new DefaultJWTClaimsVerifier<>(
        new HashSet<>(config.audience()),
        new JWTClaimsSet.Builder().issuer(config.issuer()).build(),
        Set.of("iss", "aud", "exp", "sub"),
        null) {
      @Override
      protected Date currentTime() {
        return new Date(clock.millis());
      }
    };
    claims.setMaxClockSkew(config.leewaySeconds());
    processor.setJWTClaimsSetVerifier(claims);
  }

  @Override
  public Future<Identity> verify(String token) {
    SignedJWT jwt;
    try {
      jwt = signed(token);
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    JWSHeader header = jwt.getHeader();
    if (!algorithms.contains(header.getAlgorithm())) {
      return Future.failedFuture(invalid("the token's algorithm " + header.getAlgorithm() + " is not accepted"));
    }
    JWKMatcher matcher = matcher(header);
    return keys.keys(set -> matcher != null && !new JWKSelector(matcher).select(set).isEmpty()).map(current -> {
      if (current == null) {
        throw invalid("the issuer's keys are unavailable");
      }
      try {
        return identity(process(jwt, current.set()));
      } catch (ParseException e) {
        throw invalid("the token's subject (sub) is not a string");
      }
    });
  }

  /** The published keys a token may be signed with: its kid (when it names one) and its algorithm's key type. */
  private static JWKMatcher matcher(JWSHeader header) {
    if (KeyJwsVerifier.ed25519(header.getAlgorithm())) {
      // Nimbus's own matching for EdDSA assumes its Tink-based verifier
      return new JWKMatcher.Builder().keyType(KeyType.OKP).curve(Curve.Ed25519).keyID(header.getKeyID())
          .keyUses(KeyUse.SIGNATURE, null).build();
    }
    return JWKMatcher.forJWSHeader(header);
  }

  /** Ed25519 keys as JDK keys (Nimbus converts OKP keys only through Tink); a malformed one is skipped. */
  private static List<Key> ed25519Keys(JWSHeader header, JWKSet set) {
    List<Key> keys = new ArrayList<>();
    for (JWK jwk : new JWKSelector(matcher(header)).select(set)) {
      try {
        keys.add(KeyJwsVerifier.ed25519Key(jwk.toOctetKeyPair()));
      } catch (GeneralSecurityException e) {
        // not usable: the token is then refused for want of a matching key
      }
    }
    return keys;
  }

  private static SignedJWT signed(String token) {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException e) {
      throw invalid("the token is not a well-formed JWT");
    }
    if (jwt instanceof PlainJWT) {
      throw invalid("the token is unsigned (alg none)");
    }
    if (jwt instanceof EncryptedJWT) {
      throw invalid("encrypted tokens are not accepted");
    }
    return (SignedJWT) jwt;
  }

  private JWTClaimsSet process(SignedJWT jwt, JWKSet set) {
    try {
      return processor.process(jwt, new KeysContext(set));
    } catch (ExpiredJWTException e) {
      throw new GatewayException(ErrorCode.TOKEN_EXPIRED, "the token has expired");
    } catch (BadJWTException e) {
      throw invalid(claimsRefusal(jwt));
    } catch (BadJWSException e) {
      throw invalid("the token's signature does not verify");
    } catch (BadJOSEException e) {
      throw invalid(e.getMessage().contains("type")
          ? "the token's type (typ) is not an access token"
          : "no key of the issuer matches the token's key id (kid) and algorithm");
    } catch (com.nimbusds.jose.JOSEException e) {
      throw invalid("the token's signature cannot be checked with the issuer's key");
    }
  }

  /**
   * Which claim check failed, in our own words: Nimbus's messages quote the token's claim values, and their wording
   * is not an API. Reached only after the signature verified.
   */
  private String claimsRefusal(SignedJWT jwt) {
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      return "the token's claims are not a JSON object";
    }
    if (claims.getIssuer() == null || claims.getAudience().isEmpty() || claims.getExpirationTime() == null
        || claims.getSubject() == null) {
      return "the token lacks a required claim (iss, aud, exp, sub)";
    }
    if (!claims.getIssuer().equals(config.issuer())) {
      return "the token's issuer (iss) is not the configured one";
    }
    if (claims.getAudience().stream().noneMatch(config.audience()::contains)) {
      return "the token's audience (aud) is not accepted";
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && notBefore.getTime() > clock.millis() + config.leewaySeconds() * 1000L) {
      return "the token is not yet valid (nbf)";
    }
    return "the token's claims are not accepted";
  }

  private Identity identity(JWTClaimsSet claims) throws ParseException {
    // Nimbus checks exp and nbf but not iat: a token issued in the future comes from a broken or forging issuer
    Date issuedAt = claims.getIssueTime();
    if (issuedAt != null && issuedAt.getTime() > clock.millis() + config.leewaySeconds() * 1000L) {
      throw invalid("the token is issued in the future (iat)");
    }
    if (claims.getStringClaim("sub").isBlank()) {
      throw invalid("the token's subject (sub) is empty");
    }
    return new Identity(Identity.Kind.USER, claims.getSubject(), scopes(claims),
        channels(claims.getClaim(config.channelsClaim())), claims.getExpirationTime().getTime());
  }

  /** From {@code scope} (a space-separated string) or else {@code scp} (an array, as some issuers send). */
  private static Set<String> scopes(JWTClaimsSet claims) {
    Object scope = claims.getClaim("scope");
    return Set.copyOf(words(scope != null ? scope : claims.getClaim("scp")));
  }

  private static List<ChannelPattern> channels(Object claim) {
    List<ChannelPattern> patterns = new ArrayList<>();
    for (String word : words(claim)) {
      if (GLOB.matcher(word).matches()) {
        patterns.add(ChannelPattern.of(word));
      }
    }
    return List.copyOf(patterns);
  }

  /** The strings of an array claim, or the words of a space-separated string claim; nothing for other shapes. */
  private static Set<String> words(Object claim) {
    Set<String> words = new LinkedHashSet<>();
    if (claim instanceof String s) {
      for (String word : SPACES.split(s.strip())) {
        if (!word.isEmpty()) {
          words.add(word);
        }
      }
    } else if (claim instanceof Collection<?> list) {
      for (Object item : list) {
        if (item instanceof String s && !s.isEmpty()) {
          words.add(s);
        }
      }
    }
    return words;
  }

  private static GatewayException invalid(String message) {
    return new GatewayException(ErrorCode.INVALID_TOKEN, message);
  }
}
