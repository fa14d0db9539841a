package stream.terminal.lastmile.net;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.Locale;
import stream.terminal.lastmile.config.PerIpRates;

/**
 * The per-second budgets of one client address on one listener, shared by all its connections on every event
 * loop: new connections are taken from it at accept (none left: refused), and the work its connections cause
 * (frames and bytes read, history and replay written) is charged to it after the fact. A connection whose
 * address is in debt stops being read ({@link ReadThrottle}) until the debt is paid: the sender feels TCP push
 * back, nothing is dropped, and one host can use no more of the node than its budget, however many
 * connections it opens.
 */
public final class AddressBudget {
  /** Where a connection finds its address's budget; absent on listeners without budgets. */
  public static final AttributeKey<AddressBudget> KEY = AttributeKey.valueOf("lastmile.address-budget");
  /** No budget at all: charges are free and nothing waits. */
  public static final AddressBudget UNLIMITED = new AddressBudget(PerIpRates.NONE, 0);
  /** A budget holds this many seconds of its rate. */
  static final int BURST_SECONDS = 2;

  /** The work budgets; the wire names are the {@code budget} tag of the throttle counter. */
  public enum Work {
    FRAMES,
    READ_BYTES,
    REPLY_BYTES;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How long reading must wait, and for which budget (the one deepest in debt). */
  public record Debt(Work budget, long nanos) {}

  private final Bucket connections;
  private final Bucket frames;
  private final Bucket readBytes;
  private final Bucket replyBytes;
  /** Open connections from the address; guarded by the {@link ConnectionGate}'s map. */
  int open;

  AddressBudget(PerIpRates rates, long now) {
    this.connections = Bucket.of(rates.newConnections(), now);
    this.frames = Bucket.of(rates.frames(), now);
    this.readBytes = Bucket.of(rates.readBytes(), now);
    this.replyBytes = Bucket.of(rates.replyBytes(), now);
  }

  /** The budget of the address {@code channel} comes from, or {@link #UNLIMITED}. */
  public static AddressBudget of(Channel channel) {
    AddressBudget budget = channel.attr(KEY).get();
    return budget == null ? UNLIMITED : budget;
  }

  /** The budget of the address an HTTP connection comes from, or {@link #UNLIMITED}. */
  public static AddressBudget of(HttpConnection connection) {
    return of(((ConnectionBase) connection).channel());
  }

  /** Takes one new connection from the budget; false when none is left. */
  boolean tryConnect(long now) {
    return connections == null || connections.tryTake(now);
  }

  public void chargeFrames(int count) {
    charge(frames, count);
  }

  public void chargeRead(long bytes) {
    charge(readBytes, bytes);
  }

  public void chargeReply(long bytes) {
    charge(replyBytes, bytes);
  }

  private static void charge(Bucket bucket, long amount) {
    if (bucket != null) {
      bucket.charge(amount, System.nanoTime());
    }
  }

  /**
   * Reply bytes the address may still be sent before its budget is in debt: a history page or replay read is cut
   * to it (at least one message), so a burst of requests costs the node what the budget holds, not a full page
   * each.
   */
  public long replyAllowance() {
    return replyBytes == null ? Long.MAX_VALUE : replyBytes.available(System.nanoTime());
  }

  /** How long until the reply budget is out of debt; 0 when it is not in debt. */
  public long replyDebtNanos() {
    return replyBytes == null ? 0 : replyBytes.nanosUntilPaid(System.nanoTime());
  }

  /** The wait before reading may go on, or null when no work budget is in debt. */
  Debt debt(long now) {
    Debt deepest = deeper(null, Work.FRAMES, frames, now);
    deepest = deeper(deepest, Work.READ_BYTES, readBytes, now);
    return deeper(deepest, Work.REPLY_BYTES, replyBytes, now);
  }

  private static Debt deeper(Debt deepest, Work work, Bucket bucket, long now) {
    long wait = bucket == null ? 0 : bucket.nanosUntilPaid(now);
    return wait > 0 && (deepest == null || wait > deepest.nanos()) ? new Debt(work, wait) : deepest;
  }

  /** True when every budget is full again: forgetting the address loses nothing. */
  boolean rested(long now) {
    return full(connections, now) && full(frames, now) && full(readBytes, now) && full(replyBytes, now);
  }

  private static boolean full(Bucket bucket, long now) {
    return bucket == null || bucket.full(now);
  }

  /** A token bucket that may go into debt; used from several event loops at once. */
  private static final class Bucket {
    private final double perNano;
    private final double capacity;
    private double tokens;
    private long last;

    private Bucket(int ratePerSecond, long now) {
      this.perNano = ratePerSecond / 1e9;
      this.capacity = (double) ratePerSecond * BURST_SECONDS;
      this.tokens = capacity;
      this.last = now;
    }

    static Bucket of(int ratePerSecond, long now) {
      return ratePerSecond > 0 ? new Bucket(ratePerSecond, now) : null;
    }

    synchronized boolean tryTake(long now) {
      refill(now);
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }

    synchronized void charge(long amount, long now) {
      refill(now);
      tokens -= amount;
    }

    synchronized long nanosUntilPaid(long now) {
      refill(now);
      return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perNano);
    }

    synchronized long available(long now) {
      refill(now);
      return Math.max(0, (long) tokens);
    }

    synchronized boolean full(long now) {
      refill(now);
      return tokens >= capacity;
    }

    private void refill(long now) {
      if (now > last) {
        tokens = Math.min(capacity, tokens + (now - last) * perNano);
        last = now;
      }
    }
  }
}
