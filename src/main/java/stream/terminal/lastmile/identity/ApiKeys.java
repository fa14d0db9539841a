package stream.terminal.lastmile.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import stream.terminal.lastmile.config.ApiKeyConfig;

/** Publishers' API keys, known only by their SHA-256. Thread-safe. */
public final class ApiKeys {
  /** What every API key starts with, so a credential's kind shows without trying each check. */
  public static final String PREFIX = "lmk_";

  private final List<ApiKeyConfig> keys;
  private final byte[][] hashes;

  public ApiKeys(List<ApiKeyConfig> keys) {
    this.keys = List.copyOf(keys);
    this.hashes = keys.stream().map(ApiKeyConfig::sha256).toArray(byte[][]::new);
  }

  /**
   * The configured key whose hash is the key's, or null. Compares with every hash in constant time and never stops
   * early, so the time taken tells nothing about which key, or how much of a hash, matched.
   */
  public ApiKeyConfig find(String key) {
    byte[] hash = sha256(key);
    ApiKeyConfig found = null;
    for (int i = 0; i < hashes.length; i++) {
      if (MessageDigest.isEqual(hash, hashes[i])) {
        found = keys.get(i);
      }
    }
    return found;
  }

  public static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
