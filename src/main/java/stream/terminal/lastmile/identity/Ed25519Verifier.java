package stream.terminal.lastmile.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Set;

/**
 * Verifies {@code EdDSA} (Ed25519) JWS signatures with the JDK's own Ed25519, where Nimbus would need Tink. A
 * header with critical extensions ({@code crit}) is refused, as Nimbus's own verifiers do by default. Thread-safe: each verification takes a fresh {@link java.security.Signature}.
 */
public final class Ed25519Verifier implements JWSVerifier {
  private final PublicKey key;
  private final JCAContext jca = new JCAContext();

  /** @param key an Ed25519 public key */
  public Ed25519Verifier(PublicKey key) {
    this.key = key;
  }

  @Override
  public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
    if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
      throw new JOSEException("unsupported algorithm " + header.getAlgorithm() + ", expected EdDSA");
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      return false; // RFC 7515 4.1.11: extensions we do not understand must not be accepted
    }
    try {
      java.security.Signature verifier = java.security.Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(signingInput);
      return verifier.verify(signature.decode());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return Set.of(JWSAlgorithm.EdDSA);
  }

  @Override
  public JCAContext getJCAContext() {
    return jca;
  }
}
