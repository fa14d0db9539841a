package stream.terminal.lastmile.config;

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

  /** The JWS {@code alg} of tokens this key signs. */
  public String jws() {
    return jws;
  }

  /** The {@code java.security.Signature} algorithm that verifies raw signatures of this key. */
  public String jdkSignature() {
    return jdkSignature;
  }
}
