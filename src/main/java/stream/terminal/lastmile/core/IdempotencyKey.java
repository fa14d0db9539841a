package stream.terminal.lastmile.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A publisher's idempotency key and how long it counts: a publish repeated with the same key on the same channel
 * within {@code windowSeconds} of the first is answered with the first one's position and stores nothing.
 *
 * @param value the key as the publisher gave it, or {@code sig/} and a digest for an implicit key
 * @param windowSeconds how long after the first publish a repeat is recognised
 */
public record IdempotencyKey(String value, int windowSeconds) {
  /** At most 64 characters: a UUID, a ULID or a publisher's own id with a prefix all fit. */
  public static final int MAX_LENGTH = 64;
  /** Starts every implicit key: {@code /} is outside a publisher's alphabet, so none can collide with it. */
  private static final String SIGNATURE_PREFIX = "sig/";
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_LENGTH + "}");

  /**
   * The key as a publisher sent it, checked; null stays null (no key).
   *
   * @throws GatewayException {@code bad_request} for an empty, long or oddly spelled key
   */
  public static String require(String key) {
    if (key != null && !ALLOWED.matcher(key).matches()) {
      throw new GatewayException(ErrorCode.BAD_REQUEST,
          "an idempotency key is 1 to " + MAX_LENGTH + " characters of A-Za-z0-9._:-");
    }
    return key;
  }

  /**
   * The implicit key of a signed message: a replay of the exact message (same kid and sig) is a duplicate. The
   * digest keeps the key short.
   */
  public static IdempotencyKey ofSignature(Signature signature, int windowSeconds) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(signature.kid().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) '\n');
      sha.update(signature.sig().getBytes(StandardCharsets.UTF_8));
      return new IdempotencyKey(SIGNATURE_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest()),
          windowSeconds);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** True for a signature's implicit key, which need not be stored: the signature is. */
  public boolean implicit() {
    return value.startsWith(SIGNATURE_PREFIX);
  }

  /** The key a stored message answers to: its publisher's, or its signature's when it had none. */
  public static String of(String explicit, Signature signature) {
    return explicit != null ? explicit : signature == null ? null : ofSignature(signature, 0).value();
  }
}
