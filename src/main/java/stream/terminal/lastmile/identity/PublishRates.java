package stream.terminal.lastmile.identity;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import stream.terminal.lastmile.config.IdentityConfig;
import stream.terminal.lastmile.config.PublishRate;

/**
 * Each publisher key's own rate ({@code publishes_per_second}, {@code burst}) on this node, all its connections
 * together: token buckets, thread-safe.
 */
public final class PublishRates {
  /** One key's bucket; its monitor guards it. */
  private static final class Bucket {
    private final double perMs;
    private final double size;
    private double tokens;
    private long lastMs;

    Bucket(PublishRate rate, long nowMs) {
      this.perMs = rate.perSecond() / 1000.0;
      this.size = rate.burst();
      this.tokens = size;
      this.lastMs = nowMs;
    }

    synchronized boolean take(long nowMs) {
      if (nowMs > lastMs) {
        tokens = Math.min(size, tokens + (nowMs - lastMs) * perMs);
        lastMs = nowMs;
      }
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }

  private final Map<String, Bucket> buckets = new HashMap<>();
  private final Clock clock;

  public PublishRates(IdentityConfig config, Clock clock) {
    this.clock = clock;
    long now = clock.millis();
    config.apiKeys().stream().filter(k -> !k.rate().unlimited())
        .forEach(k -> buckets.put(k.id(), new Bucket(k.rate(), now)));
    config.publicKeys().stream().filter(k -> !k.rate().unlimited())
        .forEach(k -> buckets.put(k.id(), new Bucket(k.rate(), now)));
  }

  /** Takes one publish from the key's bucket; true for identities that are not keys and for unlimited keys. */
  public boolean tryPublish(Identity identity) {
    if (!identity.key()) {
      return true;
    }
    Bucket bucket = buckets.get(identity.subject());
    return bucket == null || bucket.take(clock.millis());
  }
}
