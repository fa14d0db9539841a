package stream.terminal.lastmile.bench;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the subscribers saw, shared by every event loop of the generator: counters, and the latency of messages
 * sent inside the measured window (publish → receive, µs).
 */
final class Tally {
  final LongAdder delivered = new LongAdder();
  final LongAdder unstamped = new LongAdder();
  final LongAdder lost = new LongAdder();
  final AtomicReference<String> firstLoss = new AtomicReference<>();
  private final Recorder latency = new Recorder(3);
  private volatile long windowFrom = Long.MAX_VALUE;
  private volatile long windowTo = Long.MAX_VALUE;

  void message(long stampMicros) {
    delivered.increment();
    if (stampMicros < 0) {
      unstamped.increment();
    } else if (stampMicros >= windowFrom && stampMicros < windowTo) {
      latency.recordValue(Math.max(0, Payload.nowMicros() - stampMicros));
    }
  }

  void connectionLost(String why) {
    lost.increment();
    firstLoss.compareAndSet(null, why);
  }

  /** Messages sent from now on are measured. */
  void openWindow() {
    latency.reset();
    windowFrom = Payload.nowMicros();
  }

  /** Messages sent from now on are not measured (those in flight still are when they arrive). */
  void closeWindow() {
    windowTo = Payload.nowMicros();
  }

  Histogram latency() {
    return latency.getIntervalHistogram();
  }
}
