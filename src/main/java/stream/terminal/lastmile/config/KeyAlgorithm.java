package stream.terminal.lastmile.config;

import java.security.Key;

/** The two kinds of whitelisted publisher keys, with their JWS names and JDK signature algorithms. */
public enum KeyAlgorithm {
  /** Ed25519: 64-byte signatures. */
  ED25519("EdDSA", "Ed25519"),
  /** ECDSA on P-256 with SHA-256, signatures as raw r||s (IEEE P1363, the JWS and WebCrypto format). */
  P256("ES256", "SHA256withECDSAinP1363Format");

  private final String jws;
  private final String jdkSignature;

  KeyAlgorithm(String jws, String jdkSignature) {
    this.jws = jws;
    this.jdkSignature = jdkSignature;
  }

  /**
   * What a JDK key (public or private) is.
   *
   * @throws IllegalArgumentException for any other kind of key
   */
  public static KeyAlgorithm of(Key key) {
    return switch (key.getAlgorithm()) {
      case "Ed25519", "EdDSA" -> ED25519;
      case "EC" -> P256;
      default -> throw new IllegalArgumentException("not an Ed25519 or P-256 key: " + key.getAlgorithm());
    };
  }

  /** The JWS {@code alg} of tokens this key signs. */
  public String jws() {
    return jws;
  }

  /** The {@code java.security.Signature} algorithm that verifies raw signatures of this key. */
  public String jdkSignature() {
    return jdkSignature;
  }
}
