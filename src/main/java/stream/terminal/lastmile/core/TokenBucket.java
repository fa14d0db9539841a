package stream.terminal.lastmile.core;

/**
 * A token bucket: {@code rate} tokens per second, at most {@code burst} at once, full at the start. Not
 * thread-safe: a connection's own bucket lives on its event loop; a bucket shared by event loops is guarded by
 * its holder.
 */
public final class TokenBucket {
  private final double perNano;
  private final double capacity;
  private double tokens;
  private long last;

  /** @param now the start, in nanoseconds on the clock later calls use */
  public TokenBucket(int ratePerSecond, int burst, long now) {
    this.perNano = ratePerSecond / 1e9;
    this.capacity = burst;
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token; false when the bucket is empty. A clock that went back refills nothing. */
  public boolean tryAcquire(long nowNanos) {
    if (nowNanos > last) {
      tokens = Math.min(capacity, tokens + (nowNanos - last) * perNano);
      last = nowNanos;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
