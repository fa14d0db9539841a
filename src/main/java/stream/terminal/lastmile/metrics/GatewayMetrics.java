package stream.terminal.lastmile.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import stream.terminal.lastmile.config.Role;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.core.ErrorCode;

/**
 * Every meter of the gateway, created once. Tags have low cardinality (role, reason, code): never a channel
 * name or a client, which would let the public grow the registry without bound.
 */
public final class GatewayMetrics {
  /** Why a node refuses a message from the bus (tag values of {@code lastmile.bus.dropped}). */
  public static final List<String> BUS_DROP_REASONS = List.of("unknown_epoch", "unnumbered_offset", "sequencer_full");

  private final Map<Role, AtomicLong> connections = new EnumMap<>(Role.class);
  private final AtomicLong subscriptions = new AtomicLong();
  private final Counter published;
  private final Counter delivered;
  private final Counter skipped;
  private final Map<Disconnect, Counter> disconnects = new EnumMap<>(Disconnect.class);
  private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
  private final Map<String, Counter> rejectedConnections;
  private final Map<Role, Map<String, Counter>> refusedConnections = new EnumMap<>(Role.class);
  private static final String THROTTLED = "times a connection's reading was paused because its address's budget was spent";
  private final Map<Role, Map<String, Counter>> throttled = new EnumMap<>(Role.class);
  private final Map<Role, Map<String, Counter>> httpTimeouts = new EnumMap<>(Role.class);
  private final Map<String, Counter> busDropped = new HashMap<>();
  private final Counter channelsEvicted;

  private final MeterRegistry meters;

  public GatewayMetrics(MeterRegistry registry) {
    this.meters = registry;
    for (Role role : List.of(Role.INGEST, Role.EDGE)) {
      AtomicLong count = new AtomicLong();
      connections.put(role, count);
      Gauge.builder("lastmile.connections", count, AtomicLong::get)
          .description("open WebSocket connections")
          .tag("role", role.wire())
          .register(registry);
    }
    Gauge.builder("lastmile.subscriptions", subscriptions, AtomicLong::get)
        .description("channel subscriptions held by open connections")
        .register(registry);
    published = Counter.builder("lastmile.messages.published").description("messages accepted").register(registry);
    delivered =
        Counter.builder("lastmile.messages.delivered").description("message frames written to clients").register(registry);
    skipped = Counter.builder("lastmile.offsets.skipped")
        .description("offsets a node gave up waiting for: neither delivered nor found in the backlog")
        .register(registry);
    for (Disconnect d : Disconnect.values()) {
      disconnects.put(
          d,
          Counter.builder("lastmile.disconnects")
              .description("connections closed by the server")
              .tag("reason", d.name().toLowerCase())
              .register(registry));
    }
    for (ErrorCode code : ErrorCode.values()) {
      errors.put(
          code,
          Counter.builder("lastmile.errors").description("error replies").tag("code", code.wire()).register(registry));
    }
    rejectedConnections =
        Map.of(
            "auth", rejected(registry, "auth"),
            "path", rejected(registry, "path"),
            "origin", rejected(registry, "origin"));
    for (Role role : Role.values()) {
      refusedConnections.put(role, Map.of(
          "limit", tagged(registry, "lastmile.connections.refused", "TCP connections closed at accept", role, "reason", "limit"),
          "per_ip", tagged(registry, "lastmile.connections.refused", "TCP connections closed at accept", role, "reason", "per_ip"),
          "connection_rate", tagged(registry, "lastmile.connections.refused", "TCP connections closed at accept", role, "reason", "connection_rate")));
      throttled.put(role, Map.of(
          "frames", tagged(registry, "lastmile.reads.throttled", THROTTLED, role, "budget", "frames"),
          "read_bytes", tagged(registry, "lastmile.reads.throttled", THROTTLED, role, "budget", "read_bytes"),
          "reply_bytes", tagged(registry, "lastmile.reads.throttled", THROTTLED, role, "budget", "reply_bytes")));
      httpTimeouts.put(role, Map.of(
          "handshake", tagged(registry, "lastmile.http.timeouts", "HTTP connections closed by a timeout", role, "timeout", "handshake"),
          "keep_alive", tagged(registry, "lastmile.http.timeouts", "HTTP connections closed by a timeout", role, "timeout", "keep_alive")));
    }
    for (String reason : BUS_DROP_REASONS) {
      busDropped.put(reason, Counter.builder("lastmile.bus.dropped")
          .description("channel messages from the event bus a node refused: an epoch the registry does not know, "
              + "an offset no publisher gave, or no room behind a hole")
          .tag("reason", reason)
          .register(registry));
    }
    channelsEvicted = Counter.builder("lastmile.channels.evicted")
        .description("idle channels removed after channels.idle_evict_seconds")
        .register(registry);
  }

  private static Counter tagged(MeterRegistry registry, String name, String description, Role role, String tag, String value) {
    return Counter.builder(name).description(description).tag("role", role.wire()).tag(tag, value).register(registry);
  }

  /** Reports the embedded registry's backlog accounting (a clustered node's backlogs live in Hazelcast). */
  public <T> void backlogs(T registry, ToLongFunction<T> bytes, ToLongFunction<T> trimmed) {
    // Micrometer holds the object weakly: the registry, which the node keeps, not a lambda nobody keeps
    Gauge.builder("lastmile.backlog.bytes", registry, r -> bytes.applyAsLong(r))
        .description("bytes held by this node's channel backlogs, as channels.backlog_max_bytes counts them")
        .register(meters);
    FunctionCounter.builder("lastmile.backlog.trimmed", registry, r -> trimmed.applyAsLong(r))
        .description("backlog messages dropped before their time to keep the node within channels.backlog_max_bytes")
        .register(meters);
  }

  private static Counter rejected(MeterRegistry registry, String reason) {
    return Counter.builder("lastmile.connections.rejected")
        .description("WebSocket handshakes refused")
        .tag("reason", reason)
        .register(registry);
  }

  public void connectionOpened(Role role) {
    connections.get(role).incrementAndGet();
  }

  public void connectionClosed(Role role) {
    connections.get(role).decrementAndGet();
  }

  public void subscriptionsChanged(int delta) {
    subscriptions.addAndGet(delta);
  }

  /** Reports the channels whose event-bus address this node consumes (the hub's own set, safe to read anywhere). */
  public void channelsConsumed(Collection<String> channels) {
    // Micrometer holds the set weakly: the hub, which the node keeps, owns it
    Gauge.builder("lastmile.channels.consumed", channels, Collection::size)
        .description("channels whose event-bus address this node consumes for its subscribers")
        .register(meters);
  }

  public void published() {
    published.increment();
  }

  public void delivered(int frames) {
    delivered.increment(frames);
  }

  public void skipped(long offsets) {
    skipped.increment(offsets);
  }

  /** @param reason one of {@link #BUS_DROP_REASONS} */
  public void busDropped(String reason, long messages) {
    busDropped.get(reason).increment(messages);
  }

  public void channelsEvicted(int channels) {
    channelsEvicted.increment(channels);
  }

  public void disconnected(Disconnect reason) {
    disconnects.get(reason).increment();
  }

  public void error(ErrorCode code) {
    errors.get(code).increment();
  }

  /** @param reason one of auth, path, origin */
  public void rejected(String reason) {
    rejectedConnections.get(reason).increment();
  }

  /** @param reason one of limit, per_ip, connection_rate */
  public void refused(Role role, String reason) {
    refusedConnections.get(role).get(reason).increment();
  }

  /** @param budget one of frames, read_bytes, reply_bytes: the per-address budget whose debt paused a connection's reading */
  public void throttled(Role role, String budget) {
    throttled.get(role).get(budget).increment();
  }

  /** @param timeout one of handshake, keep_alive */
  public void timedOut(Role role, String timeout) {
    httpTimeouts.get(role).get(timeout).increment();
  }
}
