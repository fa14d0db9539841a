package stream.terminal.lastmile.sdk;

import java.util.concurrent.ThreadLocalRandom;

/** Jittered exponential reconnect delays (docs/client.md): so a node's restart is not met by all clients at once. */
final class Backoff {
  private final long initialMs;
  private final long maxMs;

  Backoff(long initialMs, long maxMs) {
    this.initialMs = initialMs;
    this.maxMs = maxMs;
  }

  /** The delay before attempt {@code attempt} (1 for the first): min(max, initial × 2^(attempt-1)), less up to half. */
  long delayMs(int attempt) {
    long full = initialMs << Math.min(attempt - 1, 20);
    full = Math.min(maxMs, full);
    return Math.max(1, full - ThreadLocalRandom.current().nextLong(full / 2 + 1));
  }
}
