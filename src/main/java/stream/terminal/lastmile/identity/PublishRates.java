package stream.terminal.lastmile.identity;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import stream.terminal.lastmile.config.IdentityConfig;
import stream.terminal.lastmile.config.PublishRate;
import stream.terminal.lastmile.core.TokenBucket;

/**
 * Each publisher key's own rate ({@code publishes_per_second}, {@code burst}) on this node, all its connections
 * together: token buckets, thread-safe.
 */
public final class PublishRates {
  /** Each limited key's bucket, on the clock's milliseconds in nanoseconds; its monitor guards it. */
  private final Map<String, TokenBucket> buckets = new HashMap<>();
  private final Clock clock;

  public PublishRates(IdentityConfig config, Clock clock) {
    this.clock = clock;
    long now = nanos();
    config.apiKeys().stream().filter(k -> !k.rate().unlimited())
        .forEach(k -> buckets.put(k.id(), bucket(k.rate(), now)));
    config.publicKeys().stream().filter(k -> !k.rate().unlimited())
        .forEach(k -> buckets.put(k.id(), bucket(k.rate(), now)));
  }

  /** Takes one publish from the key's bucket; true for identities that are not keys and for unlimited keys. */
  public boolean tryPublish(Identity identity) {
    if (!identity.key()) {
      return true;
    }
    TokenBucket bucket = buckets.get(identity.subject());
    if (bucket == null) {
      return true;
    }
    synchronized (bucket) {
      return bucket.tryAcquire(nanos());
    }
  }

  private static TokenBucket bucket(PublishRate rate, long now) {
    return new TokenBucket(rate.perSecond(), rate.burst(), now);
  }

  /** The clock in nanoseconds: tests set it; the buckets need no finer grain than its milliseconds. */
  private long nanos() {
    return clock.millis() * 1_000_000L;
  }
}
