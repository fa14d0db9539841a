package stream.terminal.lastmile.launcher;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What a long publish has done: on a terminal a bar redrawn at most every 200 ms (the share of the file read, or
 * the count alone from stdin; messages/s, acknowledged, refused), and one summary line at the end.
 */
final class Progress {
  private static final long REDRAW_NS = 200_000_000L;
  private static final int BAR_WIDTH = 24;

  private final PrintStream terminal;
  private final boolean tty;
  private final long totalBytes;
  private final LongSupplier bytesRead;
  private final long started = System.nanoTime();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private long lastDraw;

  /** @param totalBytes the file's size, or -1 when unknown (stdin) */
  Progress(PrintStream terminal, boolean tty, long totalBytes, LongSupplier bytesRead) {
    this.terminal = terminal;
    this.tty = tty;
    this.totalBytes = totalBytes;
    this.bytesRead = bytesRead;
  }

  void sent() {
    sent.incrementAndGet();
  }

  void acknowledged() {
    acknowledged.incrementAndGet();
  }

  void refused() {
    refused.incrementAndGet();
  }

  long refusals() {
    return refused.get();
  }

  long acknowledgements() {
    return acknowledged.get();
  }

  /** Redraws the bar when it is due; called by the reading thread. */
  void tick() {
    long now = System.nanoTime();
    if (tty && now - lastDraw >= REDRAW_NS) {
      lastDraw = now;
      terminal.print("\r" + line(now) + "   ");
      terminal.flush();
    }
  }

  private String line(long now) {
    StringBuilder line = new StringBuilder();
    if (totalBytes > 0) {
      double share = Math.min(1.0, (double) bytesRead.getAsLong() / totalBytes);
      int filled = (int) Math.round(share * BAR_WIDTH);
      line.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ")
          .append(String.format("%3d%%  ", Math.round(share * 100)));
    }
    return line.append(String.format("%,d msg/s  %,d acknowledged  %,d refused", rate(now), acknowledged.get(),
        refused.get())).toString();
  }

  private long rate(long now) {
    double seconds = Math.max(1e-3, (now - started) / 1e9);
    return Math.round((acknowledged.get() + refused.get()) / seconds);
  }

  /** @return the summary: "N messages in S s (R/s): A acknowledged, F refused" */
  String finish() {
    long now = System.nanoTime();
    if (tty) {
      terminal.println("\r" + line(now) + "   ");
    }
    return String.format("%d messages in %.1f s (%d/s): %d acknowledged, %d refused", sent.get(),
        (now - started) / 1e9, rate(now), acknowledged.get(), refused.get());
  }
}
