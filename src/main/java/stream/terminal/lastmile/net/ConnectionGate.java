package stream.terminal.lastmile.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import stream.terminal.lastmile.config.Limits;

/**
 * Counts the TCP connections of one listener over all the event loops serving it, upgraded or not: at most
 * {@code max_connections} in all and {@code max_connections_per_ip} from one address. Counting at accept, before
 * a byte is read, stops a crowd of connections that never finish a request (or never upgrade) from taking every
 * file descriptor of the node.
 */
public final class ConnectionGate {
  /** What {@link #admit} decided; the wire names are the {@code reason} tag of the refusal counter. */
  public enum Admission {
    ADMITTED,
    LIMIT,
    PER_IP;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final int max;
  private final int maxPerAddress;
  private final AtomicInteger open = new AtomicInteger();
  /** Open connections by client address, holding only addresses with one or more: at most {@code max} keys. */
  private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
  private final RefusalLog log;

  public ConnectionGate(String listener, Limits limits) {
    this.max = limits.maxConnections();
    this.maxPerAddress = limits.maxConnectionsPerIp();
    this.log = new RefusalLog(listener);
  }

  /**
   * The client a connection counts against: its IPv4 address, or the /64 network of an IPv6 one, since one
   * IPv6 subscriber is routinely given a whole /64 and could otherwise open each connection from a new address.
   */
  public static String client(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address.getHostAddress();
    }
    try {
      return InetAddress.getByAddress(Arrays.copyOf(Arrays.copyOf(address.getAddress(), 8), 16)).getHostAddress() + "/64";
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible); // 16 bytes are always an IPv6 address
    }
  }

  /** Counts a new connection from {@code address} (a {@link #client}), if both caps allow it; an admitted one is released once. */
  public Admission admit(String address) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      return refused(Admission.LIMIT, address);
    }
    if (maxPerAddress > 0) {
      boolean[] full = {false};
      perAddress.compute(address, (a, n) -> {
        int count = n == null ? 0 : n;
        full[0] = count >= maxPerAddress;
        return full[0] ? n : count + 1;
      });
      if (full[0]) {
        open.decrementAndGet();
        return refused(Admission.PER_IP, address);
      }
    }
    return Admission.ADMITTED;
  }

  /** Gives back the place of an admitted connection from {@code address}, once it has closed. */
  public void release(String address) {
    if (maxPerAddress > 0) {
      perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
    }
    open.decrementAndGet();
  }

  /** Connections open now. */
  public int open() {
    return open.get();
  }

  private Admission refused(Admission reason, String address) {
    log.refused(reason == Admission.LIMIT
        ? "listener holds max_connections (" + max + ")"
        : "address holds max_connections_per_ip (" + maxPerAddress + ")", address);
    return reason;
  }
}
