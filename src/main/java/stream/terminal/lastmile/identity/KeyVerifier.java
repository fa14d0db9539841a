package stream.terminal.lastmile.identity;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import stream.terminal.lastmile.config.KeyAlgorithm;

/**
 * Checks raw signatures of one Ed25519 or P-256 public key (64 bytes: Ed25519's, or ECDSA's r||s as JWS and
 * WebCrypto write it) with Bouncy Castle's curve arithmetic, the key decoded once. JDK 17's own implementations
 * took 540 µs (Ed25519) and 850 µs (P-256) of CPU per verification, which capped a core at under 2,000 signed
 * publishes a second (docs/benchmarks.md, Identity). Thread-safe.
 */
abstract sealed class KeyVerifier {
  private static final int SIGNATURE_BYTES = 64;

  /**
   * @param key an Ed25519 or EC P-256 public key (what the configuration's {@code public_keys} accept)
   * @throws IllegalArgumentException for any other key
   */
  static KeyVerifier of(PublicKey key) {
    return switch (KeyAlgorithm.of(key)) {
      case ED25519 -> new Ed25519Key(key);
      case P256 -> new P256Key((ECPublicKey) key);
    };
  }

  /** Whether {@code signature} is this key's over {@code input}; a malformed signature is simply not one. */
  final boolean verify(byte[] input, byte[] signature) {
    return signature.length == SIGNATURE_BYTES && check(input, signature);
  }

  abstract KeyAlgorithm algorithm();

  abstract boolean check(byte[] input, byte[] signature);

  private static final class Ed25519Key extends KeyVerifier {
    /** The point, decompressed once rather than at every verification. */
    private final Ed25519.PublicPoint point;

    Ed25519Key(PublicKey key) {
      byte[] spki = key.getEncoded();
      // an X.509 SubjectPublicKeyInfo of Ed25519 ends with the 32 bytes of the key (RFC 8410)
      this.point = Ed25519.validatePublicKeyFullExport(spki, spki.length - Ed25519.PUBLIC_KEY_SIZE);
      if (point == null) {
        throw new IllegalArgumentException("not a valid Ed25519 public key");
      }
    }

    @Override
    KeyAlgorithm algorithm() {
      return KeyAlgorithm.ED25519;
    }

    @Override
    boolean check(byte[] input, byte[] signature) {
      return Ed25519.verify(signature, 0, point, input, 0, input.length);
    }
  }

  private static final class P256Key extends KeyVerifier {
    /** P-256 with Bouncy Castle's field arithmetic specialised for its prime. */
    private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
    private static final ECDomainParameters DOMAIN = new ECDomainParameters(CURVE);

    private final ECPublicKeyParameters key;

    P256Key(ECPublicKey key) {
      this.key = new ECPublicKeyParameters(
          CURVE.getCurve().validatePoint(key.getW().getAffineX(), key.getW().getAffineY()), DOMAIN);
    }

    @Override
    KeyAlgorithm algorithm() {
      return KeyAlgorithm.P256;
    }

    @Override
    boolean check(byte[] input, byte[] signature) {
      BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
      BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
      ECDSASigner signer = new ECDSASigner(); // holds the key between init and verify: one per call
      signer.init(false, key);
      return signer.verifySignature(sha256(input), r, s);
    }

    private static byte[] sha256(byte[] input) {
      try {
        return MessageDigest.getInstance("SHA-256").digest(input);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-256", e);
      }
    }
  }
}
