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
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.HashSet;
import java.util.Set;

/**
 * EdDSA (Ed25519) JWS verification with the JDK's own Ed25519: Nimbus's verifier for it needs Tink, which the
 * gateway does not ship. Thread-safe (a {@link Signature} per call).
 */
final class Ed25519JwsVerifier implements JWSVerifier {
  /** The DER prefix of an Ed25519 X.509 SubjectPublicKeyInfo; the 32 raw key bytes follow (RFC 8410). */
  private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
  private static final int KEY_BYTES = 32;
  private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

  private final PublicKey key;
  private final JCAContext jca = new JCAContext();

  Ed25519JwsVerifier(PublicKey key) {
    this.key = key;
  }

  static boolean handles(JWSAlgorithm algorithm) {
    return ALGORITHMS.contains(algorithm);
  }

  /** The JDK key of an Ed25519 JWK ({@code kty OKP, crv Ed25519}). */
  static PublicKey publicKey(OctetKeyPair jwk) throws GeneralSecurityException {
    if (!Curve.Ed25519.equals(jwk.getCurve()) || jwk.getDecodedX().length != KEY_BYTES) {
      throw new GeneralSecurityException("not an Ed25519 public key");
    }
    byte[] der = new byte[SPKI_PREFIX.length + KEY_BYTES];
    System.arraycopy(SPKI_PREFIX, 0, der, 0, SPKI_PREFIX.length);
    System.arraycopy(jwk.getDecodedX(), 0, der, SPKI_PREFIX.length, KEY_BYTES);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
  }

  @Override
  public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
    if (!handles(header.getAlgorithm())) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(signingInput);
      return verifier.verify(signature.decode());
    } catch (SignatureException e) {
      // a signature of the wrong length or shape is simply not a valid one
      return false;
    } catch (GeneralSecurityException e) {
      throw new JOSEException("Ed25519 is unavailable: " + e.getMessage(), e);
    }
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return ALGORITHMS;
  }

  @Override
  public JCAContext getJCAContext() {
    return jca;
  }

  /** Nimbus's verifiers for RSA and EC keys, ours for Ed25519. */
  static final class Factory implements JWSVerifierFactory {
    private final DefaultJWSVerifierFactory standard = new DefaultJWSVerifierFactory();

    @Override
    public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
      if (handles(header.getAlgorithm()) && key instanceof PublicKey publicKey) {
        return new Ed25519JwsVerifier(publicKey);
      }
      return standard.createJWSVerifier(header, key);
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      Set<JWSAlgorithm> all = new HashSet<>(standard.supportedJWSAlgorithms());
      all.addAll(ALGORITHMS);
      return all;
    }

    @Override
    public JCAContext getJCAContext() {
      return standard.getJCAContext();
    }
  }
}
