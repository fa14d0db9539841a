package stream.terminal.lastmile.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import stream.terminal.lastmile.config.Limits;
import stream.terminal.lastmile.config.PerIpRates;

/**
 * Counts the TCP connections of one listener over all the event loops serving it, upgraded or not: at most
 * {@code max_connections} in all and {@code max_connections_per_ip} from one address, opened no faster than
 * {@code new_connections_per_second_per_ip}. Counting at accept, before a byte is read, stops a crowd of
 * connections that never finish a request (or never upgrade) from taking every file descriptor of the node.
 * It also keeps each address's {@link AddressBudget}, which its connections share.
 */
public final class ConnectionGate {
  /** What {@link #admit} decided; the wire names are the {@code reason} tag of the refusal counter. */
  public enum Admission {
    ADMITTED,
    LIMIT,
    PER_IP,
    CONNECTION_RATE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Admissions between two sweeps of the addresses that have no connection left. */
  private static final int SWEEP_EVERY = 1024;

  private final int max;
  private final int maxPerAddress;
  private final PerIpRates rates;
  private final boolean tracksAddresses;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger untilSweep = new AtomicInteger(SWEEP_EVERY);
  /**
   * Budgets by client address: those with open connections, and those without whose budgets have not refilled
   * yet (forgetting them would let a client that opens and closes connections in turn start afresh each time).
   */
  private final ConcurrentHashMap<String, AddressBudget> perAddress = new ConcurrentHashMap<>();
  private final RefusalLog log;

  public ConnectionGate(String listener, Limits limits) {
    this.max = limits.maxConnections();
    this.maxPerAddress = limits.maxConnectionsPerIp();
    this.rates = limits.perIp();
    this.tracksAddresses = maxPerAddress > 0 || rates.any();
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

  /**
   * Counts a new connection from {@code address} (a {@link #client}), if both caps and the address's connection
   * budget allow it; an admitted one is released once.
   */
  public Admission admit(String address) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      return refused(Admission.LIMIT, address);
    }
    if (tracksAddresses) {
      if (untilSweep.decrementAndGet() == 0) {
        untilSweep.set(SWEEP_EVERY);
        sweep(System.nanoTime());
      }
      Admission[] admission = {Admission.ADMITTED};
      long now = System.nanoTime();
      perAddress.compute(address, (a, known) -> {
        AddressBudget budget = known == null ? new AddressBudget(rates, now) : known;
        if (maxPerAddress > 0 && budget.open >= maxPerAddress) {
          admission[0] = Admission.PER_IP;
        } else if (!budget.tryConnect(now)) {
          admission[0] = Admission.CONNECTION_RATE;
        } else {
          budget.open++;
        }
        return budget;
      });
      if (admission[0] != Admission.ADMITTED) {
        open.decrementAndGet();
        return refused(admission[0], address);
      }
    }
    return Admission.ADMITTED;
  }

  /** The budget an admitted connection from {@code address} shares with the others from there. */
  public AddressBudget budget(String address) {
    AddressBudget budget = tracksAddresses ? perAddress.get(address) : null;
    return budget == null ? AddressBudget.UNLIMITED : budget;
  }

  /** Gives back the place of an admitted connection from {@code address}, once it has closed. */
  public void release(String address) {
    if (tracksAddresses) {
      long now = System.nanoTime();
      perAddress.computeIfPresent(address, (a, budget) -> --budget.open == 0 && budget.rested(now) ? null : budget);
    }
    open.decrementAndGet();
  }

  /** Forgets the addresses with no connection whose budgets are full again. */
  void sweep(long now) {
    // per key, atomically: a connection admitted meanwhile counts in the budget this would remove
    perAddress.forEach((address, seen) ->
        perAddress.computeIfPresent(address, (a, budget) -> budget.open == 0 && budget.rested(now) ? null : budget));
  }

  /** Addresses the gate remembers. */
  int addresses() {
    return perAddress.size();
  }

  /** Connections open now. */
  public int open() {
    return open.get();
  }

  private Admission refused(Admission reason, String address) {
    log.refused(switch (reason) {
      case LIMIT -> "listener holds max_connections (" + max + ")";
      case PER_IP -> "address holds max_connections_per_ip (" + maxPerAddress + ")";
      default -> "address opens more than new_connections_per_second_per_ip (" + rates.newConnections() + ")";
    }, address);
    return reason;
  }
}
