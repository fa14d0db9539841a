package stream.terminal.lastmile.support;

import java.security.SecureRandom;
import java.util.Base64;
import stream.terminal.lastmile.core.Signature;
import stream.terminal.lastmile.core.Signed;

/**
 * The one place end-to-end tests get message signatures from. The gateway does not verify them yet, so this gives
 * a well-formed signature (64 random bytes, the size of an Ed25519 or raw P-256 one) by key {@link #KID}; once
 * verification is wired it signs for real, and every test that publishes signed messages follows.
 */
public final class Signing {
  public static final String KID = "test-signer";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Signing() {}

  /** A signature of {@code data} (compact JSON text) published on {@code channel} at {@code ts}. */
  public static Signed sign(String channel, String data, long ts) {
    byte[] sig = new byte[64];
    RANDOM.nextBytes(sig);
    return new Signed(ts, new Signature(KID, Base64.getUrlEncoder().withoutPadding().encodeToString(sig)));
  }
}
