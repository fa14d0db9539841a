package stream.terminal.lastmile.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import io.vertx.core.json.JsonObject;

/** Publisher credentials for tests, made with the JDK alone: key pairs, API keys and their hashes, publisher JWTs. */
public final class Keys {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private Keys() {}

  public static KeyPair ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair p256() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key as configuration takes it: base64 of its SubjectPublicKeyInfo. */
  public static String spki(KeyPair pair) {
    return Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
  }

  /** A fresh API key, {@code lmk_} and 32 random bytes. */
  public static String apiKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "lmk_" + URL.encodeToString(bytes);
  }

  /** The configuration's {@code hash} of an API key. */
  public static String hash(String apiKey) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A publisher JWT valid for {@code ttlSeconds} from now, with a fresh jti. */
  public static String publisherJwt(PrivateKey key, String kid, String audience, long ttlSeconds) {
    long now = System.currentTimeMillis() / 1000;
    return publisherJwt(key, kid, new JsonObject().put("aud", audience).put("iat", now).put("exp", now + ttlSeconds)
        .put("jti", UUID.randomUUID().toString()));
  }

  /** A JWS over {@code claims}, signed as the key's algorithm requires (EdDSA or ES256 with a raw r||s). */
  public static String publisherJwt(PrivateKey key, String kid, JsonObject claims) {
    boolean ed = key.getAlgorithm().equals("Ed25519") || key.getAlgorithm().equals("EdDSA");
    JsonObject header = new JsonObject().put("alg", ed ? "EdDSA" : "ES256").put("typ", "JWT").put("kid", kid);
    String input = URL.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
        + URL.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    return input + "." + URL.encodeToString(sign(key, input.getBytes(StandardCharsets.US_ASCII)));
  }

  /** Ed25519, or ECDSA P-256 over SHA-256 as raw r||s (the JWS and WebCrypto form). */
  public static byte[] sign(PrivateKey key, byte[] input) {
    try {
      boolean ed = key.getAlgorithm().equals("Ed25519") || key.getAlgorithm().equals("EdDSA");
      Signature signature = Signature.getInstance(ed ? "Ed25519" : "SHA256withECDSAinP1363Format");
      signature.initSign(key);
      signature.update(input);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
