package stream.terminal.lastmile.identity;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import stream.terminal.lastmile.config.KeyAlgorithm;

/**
 * Signs compact JWS with an Ed25519 or P-256 private key through the JDK (Nimbus's Ed25519 signer needs Tink):
 * what a publisher does to prove it holds a whitelisted key. For the {@code publisher-token} command, tests and
 * Java publishers.
 */
public final class JwsSigner {
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private JwsSigner() {}

  /**
   * A fresh single-use publisher token (docs/configuration.md, identity).
   *
   * @param kid the key's id in {@code identity.public_keys}
   * @param audience {@code identity.publisher_tokens.audience}
   */
  public static String publisherToken(PrivateKey key, String kid, String audience, Instant now, long ttlSeconds) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", KeyAlgorithm.of(key).jws());
    header.put("typ", "JWT");
    header.put("kid", kid);
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", audience);
    claims.put("iat", now.getEpochSecond());
    claims.put("exp", now.getEpochSecond() + ttlSeconds);
    claims.put("jti", UUID.randomUUID().toString());
    return sign(key, JSONObjectUtils.toJSONString(header), JSONObjectUtils.toJSONString(claims));
  }

  /** The compact JWS of {@code payloadJson} under {@code headerJson}, signed as the header's alg must match. */
  public static String sign(PrivateKey key, String headerJson, String payloadJson) {
    String input = BASE64URL.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
        + BASE64URL.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
    try {
      java.security.Signature signer = java.security.Signature.getInstance(KeyAlgorithm.of(key).jdkSignature());
      signer.initSign(key);
      signer.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + BASE64URL.encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
    }
  }
}
