package stream.terminal.lastmile.session;

/** A token bucket per connection: {@code rate} commands per second, at most {@code burst} at once. */
final class RateLimiter {
  private final double perNano;
  private final double capacity;
  private double tokens;
  private long last;

  RateLimiter(int ratePerSecond, int burst, long now) {
    this.perNano = ratePerSecond / 1e9;
    this.capacity = burst;
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token; false when the bucket is empty. {@code now} is {@link System#nanoTime()}. */
  boolean tryAcquire(long now) {
    tokens = Math.min(capacity, tokens + (now - last) * perNano);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
