package stream.terminal.lastmile.config;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Reads a whitelisted public key: base64 X.509 SubjectPublicKeyInfo DER, or the same as a PEM block. */
public final class PublicKeys {
  private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
  private static final String PEM_END = "-----END PUBLIC KEY-----";
  private static final ECParameterSpec P256 = p256();

  private PublicKeys() {}

  /** A parsed key and what it is. */
  public record Parsed(PublicKey key, KeyAlgorithm algorithm) {}

  /**
   * @throws IllegalArgumentException saying what is wrong: not base64, not a key, or neither Ed25519 nor P-256
   */
  public static Parsed parse(String text) {
    String body = text.strip();
    if (body.startsWith(PEM_BEGIN)) {
      int end = body.indexOf(PEM_END);
      if (end < 0) {
        throw new IllegalArgumentException("a PEM block without its " + PEM_END + " line");
      }
      body = body.substring(PEM_BEGIN.length(), end);
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(body.replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not base64 (expected SubjectPublicKeyInfo DER in base64, or a PEM block)");
    }
    X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
    try {
      PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(spec);
      return new Parsed(key, KeyAlgorithm.ED25519);
    } catch (GeneralSecurityException notEd25519) {
      // try EC below
    }
    try {
      PublicKey key = KeyFactory.getInstance("EC").generatePublic(spec);
      if (key instanceof ECPublicKey ec && sameCurve(ec.getParams(), P256)) {
        return new Parsed(key, KeyAlgorithm.P256);
      }
      throw new IllegalArgumentException("an EC key on a curve other than P-256 (only Ed25519 and P-256 are accepted)");
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 or EC P-256 public key (SubjectPublicKeyInfo DER)");
    }
  }

  /** Whether an EC key's parameters are P-256's (secp256r1). */
  public static boolean isP256(ECParameterSpec params) {
    return sameCurve(params, P256);
  }

  private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
    return a.getCurve().equals(b.getCurve()) && a.getGenerator().equals(b.getGenerator())
        && a.getOrder().equals(b.getOrder()) && a.getCofactor() == b.getCofactor();
  }

  private static ECParameterSpec p256() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no P-256", e);
    }
  }
}
