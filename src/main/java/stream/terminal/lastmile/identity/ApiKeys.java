package stream.terminal.lastmile.identity;

import java.util.List;
import stream.terminal.lastmile.auth.Secrets;
import stream.terminal.lastmile.config.ApiKeyConfig;

/** Publishers' API keys, known only by their SHA-256. Thread-safe. */
public final class ApiKeys {
  /** What every API key starts with, so a credential's kind shows without trying each check. */
  public static final String PREFIX = "lmk_";

  private final List<ApiKeyConfig> keys;
  private final List<byte[]> hashes;

  public ApiKeys(List<ApiKeyConfig> keys) {
    this.keys = List.copyOf(keys);
    this.hashes = keys.stream().map(ApiKeyConfig::sha256).toList();
  }

  /**
   * The configured key whose hash is the key's, or null. Compares with every hash in constant time and never stops
   * early ({@link Secrets}), so the time taken tells nothing about which key, or how much of a hash, matched.
   */
  public ApiKeyConfig find(String key) {
    int found = Secrets.indexOf(Secrets.sha256(key), hashes);
    return found < 0 ? null : keys.get(found);
  }
}
