package stream.terminal.lastmile.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The one way a presented secret (a listener token, an API key) is compared with the known ones: through their
 * SHA-256 digests, with {@link MessageDigest#isEqual} (constant time), against every known digest without stopping
 * at a match. So the time taken tells an attacker neither how much of a guess was right (String.equals stops at
 * the first differing character), nor its length, nor which secret it matched.
 */
public final class Secrets {
  private Secrets() {}

  public static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The index of the last of {@code known} equal to {@code digest}, or -1; each one compared, in constant time. */
  public static int indexOf(byte[] digest, List<byte[]> known) {
    int found = -1;
    for (int i = 0; i < known.size(); i++) {
      if (MessageDigest.isEqual(digest, known.get(i))) {
        found = i;
      }
    }
    return found;
  }

  /** Whether {@code secret}'s digest is one of {@code known}. */
  public static boolean matchesAny(String secret, List<byte[]> known) {
    return indexOf(sha256(secret), known) >= 0;
  }
}
