package stream.terminal.lastmile.protocol;

import java.util.regex.Pattern;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.Signature;
import stream.terminal.lastmile.core.Signed;

/**
 * The shape of a signed publish's {@code ts}, {@code kid} and {@code sig}, the same on every publish path (the
 * native command's fields, the HTTP API's headers). Whether the signature verifies is decided later; this only
 * keeps malformed or oversized values out of storage and out of every subscriber's frames.
 */
public final class SignedFields {
  /** A key id, as configured for a public key. */
  private static final Pattern KID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  /**
   * Base64url without padding; 200 characters hold 150 bytes, room for a 64-byte Ed25519 or raw P-256 signature
   * and for larger future ones, while a subscriber never receives an arbitrary blob with each message.
   */
  private static final Pattern SIG = Pattern.compile("[A-Za-z0-9_-]{2,200}");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");

  private SignedFields() {}

  /**
   * The signed part of a publish whose fields came as text (HTTP headers), or null when none of the three is
   * given. Throws {@code bad_request} when only some are, or when one is malformed.
   */
  public static Signed parse(String ts, String kid, String sig) {
    if (ts == null && kid == null && sig == null) {
      return null;
    }
    if (ts == null || kid == null || sig == null) {
      throw new GatewayException(ErrorCode.BAD_REQUEST, "ts, kid and sig go together: give all three or none");
    }
    long value = DIGITS.matcher(ts).matches() ? parsePositive(ts) : 0;
    return of(value, kid, sig);
  }

  /** The signed part of a publish, all three fields given; throws {@code bad_request} when one is malformed. */
  public static Signed of(long ts, String kid, String sig) {
    String problem = problem(ts, kid, sig);
    if (problem != null) {
      throw new GatewayException(ErrorCode.BAD_REQUEST, problem);
    }
    return new Signed(ts, new Signature(kid, sig));
  }

  private static String problem(long ts, String kid, String sig) {
    if (ts <= 0) {
      return "ts must be a positive integer (ms since the epoch)";
    }
    if (!KID.matcher(kid).matches()) {
      return "kid must be 1 to 64 characters of A-Z a-z 0-9 . _ -";
    }
    // a length of 4n+1 characters is no base64 of any byte string
    if (!SIG.matcher(sig).matches() || sig.length() % 4 == 1) {
      return "sig must be base64url without padding, at most 200 characters";
    }
    return null;
  }

  /** 0 (refused as not positive) when the digits overflow a long. */
  private static long parsePositive(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
