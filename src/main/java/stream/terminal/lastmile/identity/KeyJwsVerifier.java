package stream.terminal.lastmile.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.HashSet;
import java.util.Set;
import stream.terminal.lastmile.config.KeyAlgorithm;

/**
 * JWS verification ({@code EdDSA} with Ed25519 keys, {@code ES256} with P-256 keys) through a {@link KeyVerifier}:
 * Nimbus's own verifier for EdDSA needs Tink, which the gateway does not ship, and its ES256 one uses JDK 17's slow
 * curve arithmetic. A header with critical extensions ({@code crit}) is refused, as Nimbus's verifiers do.
 * Thread-safe.
 */
final class KeyJwsVerifier implements JWSVerifier {
  /** The DER prefix of an Ed25519 X.509 SubjectPublicKeyInfo; the 32 raw key bytes follow (RFC 8410). */
  private static final byte[] ED25519_SPKI_PREFIX =
      {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
  private static final int ED25519_KEY_BYTES = 32;
  /** The names of Ed25519 signatures: RFC 8037's, and the fully specified one of newer drafts. */
  private static final Set<JWSAlgorithm> ED25519 = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

  private final KeyVerifier key;
  private final JCAContext jca = new JCAContext();

  KeyJwsVerifier(KeyVerifier key) {
    this.key = key;
  }

  /** Whether {@code algorithm} names an Ed25519 signature. */
  static boolean ed25519(JWSAlgorithm algorithm) {
    return ED25519.contains(algorithm);
  }

  /** The JDK key of an Ed25519 JWK ({@code kty OKP, crv Ed25519}). */
  static PublicKey ed25519Key(OctetKeyPair jwk) throws GeneralSecurityException {
    if (!Curve.Ed25519.equals(jwk.getCurve()) || jwk.getDecodedX().length != ED25519_KEY_BYTES) {
      throw new GeneralSecurityException("not an Ed25519 public key");
    }
    byte[] der = new byte[ED25519_SPKI_PREFIX.length + ED25519_KEY_BYTES];
    System.arraycopy(ED25519_SPKI_PREFIX, 0, der, 0, ED25519_SPKI_PREFIX.length);
    System.arraycopy(jwk.getDecodedX(), 0, der, ED25519_SPKI_PREFIX.length, ED25519_KEY_BYTES);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
  }

  @Override
  public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
    if (!supportedJWSAlgorithms().contains(header.getAlgorithm())) {
      return false;
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      return false; // RFC 7515 4.1.11: extensions we do not understand must not be accepted
    }
    return key.verify(signingInput, signature.decode());
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return key.algorithm() == KeyAlgorithm.ED25519 ? ED25519 : Set.of(JWSAlgorithm.ES256);
  }

  @Override
  public JCAContext getJCAContext() {
    return jca;
  }

  /** Ours for Ed25519 and P-256 keys, Nimbus's for the others (RSA, other curves). */
  static final class Factory implements JWSVerifierFactory {
    private final DefaultJWSVerifierFactory standard = new DefaultJWSVerifierFactory();

    @Override
    public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
      boolean ours = ed25519(header.getAlgorithm()) && key instanceof PublicKey
          || JWSAlgorithm.ES256.equals(header.getAlgorithm()) && key instanceof ECPublicKey;
      if (ours) {
        try {
          return new KeyJwsVerifier(KeyVerifier.of((PublicKey) key));
        } catch (IllegalArgumentException e) {
          throw new JOSEException("not an Ed25519 or P-256 key: " + e.getMessage(), e);
        }
      }
      return standard.createJWSVerifier(header, key);
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      Set<JWSAlgorithm> all = new HashSet<>(standard.supportedJWSAlgorithms());
      all.addAll(ED25519);
      return all;
    }

    @Override
    public JCAContext getJCAContext() {
      return standard.getJCAContext();
    }
  }
}
