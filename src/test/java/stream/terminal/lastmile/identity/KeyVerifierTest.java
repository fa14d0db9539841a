package stream.terminal.lastmile.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.config.KeyAlgorithm;
import stream.terminal.lastmile.support.Keys;

/** Bouncy Castle's verification agrees with the JDK's signatures, and refuses what the JDK would refuse. */
class KeyVerifierTest {
  private static final byte[] P256_ORDER = java.util.HexFormat.of()
      .parseHex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");

  @Test
  void acceptsTheJdksSignaturesAndNothingElse() {
    Random random = new Random(42);
    for (KeyPair pair : new KeyPair[] {Keys.ed25519(), Keys.p256()}) {
      KeyVerifier verifier = KeyVerifier.of(pair.getPublic());
      assertEquals(KeyAlgorithm.of(pair.getPublic()), verifier.algorithm());
      KeyVerifier stranger = KeyVerifier.of(pair.getPublic().getAlgorithm().equals("EC")
          ? Keys.p256().getPublic() : Keys.ed25519().getPublic());
      for (int i = 0; i < 50; i++) {
        byte[] input = new byte[random.nextInt(300)];
        random.nextBytes(input);
        byte[] sig = Keys.sign(pair.getPrivate(), input);
        assertTrue(verifier.verify(input, sig));
        assertFalse(stranger.verify(input, sig), "another key's signature");
        byte[] tampered = input.length == 0 ? new byte[] {1} : input.clone();
        tampered[tampered.length - 1] ^= 1;
        assertFalse(verifier.verify(tampered, sig), "changed input");
        byte[] bent = sig.clone();
        bent[random.nextInt(bent.length)] ^= (byte) (1 << random.nextInt(8));
        assertFalse(verifier.verify(input, bent), "changed signature");
        assertFalse(verifier.verify(input, Arrays.copyOf(sig, 63)), "short signature");
        assertFalse(verifier.verify(input, Arrays.copyOf(sig, 65)), "long signature");
      }
    }
  }

  @Test
  void refusesEcdsaValuesOutOfRange() {
    KeyPair pair = Keys.p256();
    byte[] input = "{\"channel\":\"c\",\"data\":1,\"ts\":1}".getBytes(StandardCharsets.UTF_8);
    byte[] sig = Keys.sign(pair.getPrivate(), input);
    KeyVerifier verifier = KeyVerifier.of(pair.getPublic());
    byte[] zeroR = sig.clone();
    Arrays.fill(zeroR, 0, 32, (byte) 0);
    assertFalse(verifier.verify(input, zeroR));
    // s + n: the same value modulo the order, which a lax verifier would accept
    byte[] sPlusOrder = sig.clone();
    System.arraycopy(P256_ORDER, 0, sPlusOrder, 32, 32);
    assertFalse(verifier.verify(input, sPlusOrder));
  }

  @Test
  void takesOnlyEd25519AndP256Keys() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    assertThrows(IllegalArgumentException.class, () -> KeyVerifier.of(rsa.generateKeyPair().getPublic()));
    KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
    p384.initialize(new ECGenParameterSpec("secp384r1"));
    assertThrows(IllegalArgumentException.class, () -> KeyVerifier.of(p384.generateKeyPair().getPublic()));
  }
}
