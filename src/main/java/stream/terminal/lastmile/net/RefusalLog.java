package stream.terminal.lastmile.net;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The warning for refused connections of one listener, written at most once per {@link #INTERVAL_MS}: a
 * connection flood would otherwise fill the disk with one line per refusal. Each line says how many refusals
 * went unlogged since the one before.
 */
final class RefusalLog {
  static final long INTERVAL_MS = 10_000;
  private static final System.Logger LOG = System.getLogger(ConnectionGate.class.getName());

  private final String listener;
  private final LongSupplier clockMs;
  private final AtomicLong nextLineAtMs = new AtomicLong();
  private final AtomicInteger suppressed = new AtomicInteger();

  RefusalLog(String listener) {
    this(listener, System::currentTimeMillis);
  }

  RefusalLog(String listener, LongSupplier clockMs) {
    this.listener = listener;
    this.clockMs = clockMs;
  }

  void refused(String why, String address) {
    long now = clockMs.getAsLong();
    long next = nextLineAtMs.get();
    if (now < next || !nextLineAtMs.compareAndSet(next, now + INTERVAL_MS)) {
      suppressed.incrementAndGet();
      return;
    }
    LOG.log(Level.WARNING, "listener {0} refused a connection from {1}: {2}; {3} more refused, unlogged, since the previous line",
        listener, address, why, suppressed.getAndSet(0));
  }
}
