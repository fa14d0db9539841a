package stream.terminal.lastmile.config;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import stream.terminal.lastmile.auth.OriginPolicy;
import stream.terminal.lastmile.core.ChannelNames;

/** Validates a configuration tree (docs/configuration.md) into a {@link GatewayConfig}. */
public final class ConfigParser {
  private static final Pattern LISTENER_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9._:@*-]{1,128}");
  static final String GLOB_RULE = "a channel name where * stands for any characters (1-128 of A-Z a-z 0-9 . _ - : @ *)";
  private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}");
  /** A TCP-IP member: host or host:port (IPv6 in brackets). */
  private static final Pattern MEMBER = Pattern.compile("[A-Za-z0-9.\\-]+|\\[[0-9a-fA-F:]+\\]|[A-Za-z0-9.\\-]+:\\d{1,5}|\\[[0-9a-fA-F:]+\\]:\\d{1,5}");
  /** RFC 7230 token characters: what a Sec-WebSocket-Protocol value may contain. */
  private static final Pattern HTTP_TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{8,256}");

  private ConfigParser() {}

  public static GatewayConfig parse(JsonObject json) {
    ConfigReader root = new ConfigReader(json, "");
    // first: channel policies and listeners refer to its keys and issuer
    IdentityConfig identity = IdentityParser.parse(root.object("identity"));

    ConfigReader node = root.object("node");
    Set<Role> roles = roles(node);
    int edgeInstances = node.integer("edge_instances", 0, 0, 256);
    int ingestInstances = node.integer("ingest_instances", 1, 1, 256);
    int graceMs = node.integer("shutdown_grace_ms", 5000, 0, 600_000);
    int drainDelayMs = node.integer("drain_delay_ms", 0, 0, 600_000);
    WarmupConfig warmup = warmup(node.object("warmup"));
    node.rejectUnknown();

    ConfigReader metrics = root.object("metrics");
    boolean metricsEnabled = metrics.bool("enabled", true);
    metrics.rejectUnknown();

    ConfigReader channels = root.object("channels");
    int maxChannels = channels.integer("max", 100_000, 1, Integer.MAX_VALUE);
    List<String> declared = channels.strings("declare", List.of());
    if (declared.size() > maxChannels) {
      throw ConfigException.at(channels.path("declare"), declared.size() + " channels declared but channels.max is " + maxChannels);
    }
    for (int i = 0; i < declared.size(); i++) {
      if (declared.indexOf(declared.get(i)) != i) {
        throw ConfigException.at(channels.path("declare") + "[" + i + "]", "'" + declared.get(i) + "' is declared twice");
      }
      if (!ChannelNames.isValid(declared.get(i))) {
        throw ConfigException.at(
            channels.path("declare") + "[" + i + "]",
            "'" + declared.get(i) + "' is not a valid channel name (1-128 of A-Z a-z 0-9 . _ - : @)");
      }
    }
    ChannelPolicy defaults = policy(channels.object("defaults"), ChannelPolicy.DEFAULT, "*", identity);
    List<ChannelPolicy> patterns = new ArrayList<>();
    List<ConfigReader> patternReaders = channels.objects("patterns");
    for (ConfigReader r : patternReaders == null ? List.<ConfigReader>of() : patternReaders) {
      String pattern = r.string("pattern", null);
      if (pattern == null || !GLOB.matcher(pattern).matches()) {
        throw ConfigException.at(r.path("pattern"), "required: " + GLOB_RULE);
      }
      patterns.add(policy(r, defaults, pattern, identity));
    }
    int historyMaxPage = channels.integer("history_max_page", 1000, 1, 1000);
    ChannelBounds bounds = bounds(channels);
    channels.rejectUnknown();

    ClusterConfig cluster = cluster(root.object("cluster"));
    ProtobufConfig protobuf = protobuf(root.object("protobuf"));

    List<ConfigReader> listenerReaders = root.objects("listeners");
    List<ListenerConfig> listeners =
        listenerReaders == null ? defaultListeners() : listeners(listenerReaders, root.path("listeners"), identity);
    root.rejectUnknown();

    for (Role role : roles) {
      if (listeners.stream().noneMatch(l -> l.role() == role)) {
        throw ConfigException.at("listeners", "node.roles includes " + role.wire() + " but no listener has that role");
      }
    }
    return new GatewayConfig(
        roles, edgeInstances, ingestInstances, listeners, maxChannels, declared, graceMs, metricsEnabled, cluster,
        new ChannelPolicies(patterns, defaults), historyMaxPage, bounds, drainDelayMs, identity, protobuf, warmup);
  }

  private static WarmupConfig warmup(ConfigReader r) {
    boolean enabled = r.bool("enabled", true);
    int maxMs = r.integer("max_ms", 4000, 100, 120_000);
    int maxDeliveries = r.integer("max_deliveries", 2_000_000, 1, Integer.MAX_VALUE);
    String host = r.string("host", "127.0.0.1");
    r.rejectUnknown();
    return enabled ? new WarmupConfig(true, maxMs, maxDeliveries, host) : WarmupConfig.DISABLED;
  }

  private static ProtobufConfig protobuf(ConfigReader r) {
    List<String> sets = r.strings("descriptor_sets", List.of());
    r.rejectUnknown();
    return sets.isEmpty() ? ProtobufConfig.NONE : DescriptorSets.load(sets, r.path("descriptor_sets"));
  }

  /** Whether {@code pattern} is a valid channel pattern (policies, keys' channels). */
  public static boolean isGlob(String pattern) {
    return GLOB.matcher(pattern).matches();
  }

  /** Whether {@code id} is a valid publisher key id ({@code identity.api_keys[].id}, {@code public_keys[].id}). */
  public static boolean isKeyId(String id) {
    return IdentityParser.KEY_ID.matcher(id).matches();
  }

  private static ChannelBounds bounds(ConfigReader channels) {
    ChannelBounds d = ChannelBounds.DEFAULTS;
    return new ChannelBounds(
        channels.longInteger("backlog_max_bytes", d.backlogMaxBytes(), 1024 * 1024, 1L << 40),
        channels.integer("sweep_interval_ms", d.sweepIntervalMs(), 10, 3_600_000),
        channels.integer("idle_evict_seconds", d.idleEvictSeconds(), 0, 365 * 86_400));
  }

  /** A policy read from {@code r}, each option falling back to {@code d}'s. */
  private static ChannelPolicy policy(ConfigReader r, ChannelPolicy d, String pattern, IdentityConfig identity) {
    ChannelPolicy policy = new ChannelPolicy(
        pattern,
        r.integer("backlog_size", d.backlogSize(), 0, 100_000),
        r.integer("backlog_ttl_seconds", d.backlogTtlSeconds(), 1, 30 * 24 * 3600),
        r.bool("create_on_publish", d.createOnPublish()),
        subscribeRule(r, d.subscribe(), identity),
        r.bool("history", d.history()),
        r.integer("max_subscribers", d.maxSubscribers(), 0, 10_000_000),
        publishers(r, d.publishers(), identity),
        signatures(r, d.signaturesRequired()),
        r.integer("idempotency_window_seconds", d.idempotencyWindowSeconds(), 1, 86_400));
    r.rejectUnknown();
    return policy;
  }

  private static SubscribeRule subscribeRule(ConfigReader r, SubscribeRule fallback, IdentityConfig identity) {
    String text = r.string("subscribe", null);
    if (text == null) {
      return fallback;
    }
    SubscribeRule rule = switch (text) {
      case "anonymous" -> SubscribeRule.ANONYMOUS;
      case "signed_in" -> SubscribeRule.SIGNED_IN;
      case "channels_claim" -> SubscribeRule.CHANNELS_CLAIM;
      default -> {
        String scope = text.startsWith("scope:") ? text.substring("scope:".length()) : "";
        if (!SCOPE.matcher(scope).matches()) {
          throw ConfigException.at(r.path("subscribe"),
              "'" + text + "' is not anonymous, signed_in, channels_claim or scope:<name>");
        }
        yield SubscribeRule.scope(scope);
      }
    };
    if (rule.needsUsers() && identity.oidc() == null) {
      throw ConfigException.at(r.path("subscribe"),
          "'" + text + "' needs identity.oidc: without it no subscriber can sign on");
    }
    return rule;
  }

  private static List<String> publishers(ConfigReader r, List<String> fallback, IdentityConfig identity) {
    List<String> ids = r.strings("publishers", fallback);
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      if (identity.apiKeys().stream().noneMatch(k -> k.id().equals(id)) && identity.publicKey(id) == null) {
        throw ConfigException.at(r.path("publishers") + "[" + i + "]",
            "'" + id + "' is not the id of an identity.api_keys or identity.public_keys entry");
      }
    }
    return ids;
  }

  private static boolean signatures(ConfigReader r, boolean fallback) {
    String text = r.string("signatures", null);
    if (text == null) {
      return fallback;
    }
    return switch (text) {
      case "optional" -> false;
      case "required" -> true;
      default -> throw ConfigException.at(r.path("signatures"), "'" + text + "' is not optional or required");
    };
  }

  private static ClusterConfig cluster(ConfigReader r) {
    ClusterConfig d = ClusterConfig.DISABLED;
    boolean enabled = r.bool("enabled", d.enabled());
    String name = r.string("name", d.name());
    String host = r.string("host", d.host());
    String publicHost = r.has("public_host") ? r.string("public_host", null) : null;
    int port = r.integer("port", d.port(), 1, 65535);
    List<String> members = r.strings("members", d.members());
    String hazelcastConfig = r.string("hazelcast_config", null);
    if (members.isEmpty() && hazelcastConfig == null) {
      throw ConfigException.at(r.path("members"),
          "at least one member address, or an empty list with a hazelcast_config whose <join> is used as it is");
    }
    for (int i = 0; i < members.size(); i++) {
      if (!MEMBER.matcher(members.get(i)).matches()) {
        throw ConfigException.at(r.path("members") + "[" + i + "]",
            "'" + members.get(i) + "' is not host or host:port (ranges such as :5701-5703 are not accepted)");
      }
    }
    int eventBusPort = r.integer("event_bus_port", d.eventBusPort(), 0, 65535);
    int joinWait = r.integer("join_wait_seconds", d.joinWaitSeconds(), 0, 300);
    ClusterTls tls = r.has("tls") ? clusterTls(r.object("tls")) : null;
    int minMembers = r.integer("min_members", ClusterConfig.defaultMinMembers(members), 1, 1000);
    r.rejectUnknown();
    return new ClusterConfig(enabled, name, host, publicHost, port, List.copyOf(members), eventBusPort,
        hazelcastConfig, joinWait, tls, minMembers);
  }

  /** All three files are required: TLS without the peer check would let any host on the bus. */
  private static ClusterTls clusterTls(ConfigReader r) {
    ClusterTls tls = new ClusterTls(pemFile(r, "cert"), pemFile(r, "key"), pemFile(r, "ca"));
    r.rejectUnknown();
    return tls;
  }

  private static String pemFile(ConfigReader r, String key) {
    String path = r.string(key, null);
    if (path == null) {
      throw ConfigException.at(r.path(key), "required: a PEM file (cert, key and ca are all needed for mutual TLS)");
    }
    if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(path))) {
      throw ConfigException.at(r.path(key), "cannot read '" + path + "'");
    }
    return path;
  }

  private static Set<Role> roles(ConfigReader node) {
    List<String> names = node.strings("roles", List.of("ingest", "edge"));
    if (names.isEmpty()) {
      throw ConfigException.at(node.path("roles"), "at least one of ingest, edge");
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : names) {
      Role role = role(name, node.path("roles"));
      if (role == Role.OPS) {
        throw ConfigException.at(node.path("roles"), "a node runs ingest, edge or both (ops listeners open on every node)");
      }
      roles.add(role);
    }
    return roles;
  }

  private static List<ListenerConfig> defaultListeners() {
    return List.of(
        new ListenerConfig(
            "public", "0.0.0.0", 8080, Role.EDGE, EnumSet.of(Permission.SUBSCRIBE), Limits.EDGE_DEFAULTS, List.of(),
            defaultOrigins(Role.EDGE), false, null, true, false, false, ListenerConfig.DEFAULT_GRPC_WINDOW),
        new ListenerConfig(
            "private",
            "127.0.0.1",
            8081,
            Role.INGEST,
            EnumSet.of(Permission.CREATE, Permission.PUBLISH),
            Limits.INGEST_DEFAULTS,
            List.of(),
            defaultOrigins(Role.INGEST),
            false,
            null,
            false,
            false,
            true, // gRPC on the one-JVM default: the demo feed publishes over it (scripts/run)
            ListenerConfig.DEFAULT_GRPC_WINDOW));
  }

  private static List<ListenerConfig> listeners(List<ConfigReader> readers, String path, IdentityConfig identity) {
    if (readers.isEmpty()) {
      throw ConfigException.at(path, "at least one listener is needed");
    }
    List<ListenerConfig> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> addresses = new HashSet<>();
    for (ConfigReader r : readers) {
      ListenerConfig l = listener(r, identity);
      if (!names.add(l.name())) {
        throw ConfigException.at(r.path("name"), "duplicate listener name '" + l.name() + "'");
      }
      if (l.port() != 0 && !addresses.add(l.host() + ":" + l.port())) {
        throw ConfigException.at(r.path("port"), "another listener already binds " + l.host() + ":" + l.port());
      }
      out.add(l);
    }
    return out;
  }

  private static ListenerConfig listener(ConfigReader r, IdentityConfig identity) {
    String name = r.string("name", null);
    if (name == null || !LISTENER_NAME.matcher(name).matches()) {
      throw ConfigException.at(r.path("name"), "required; 1-64 characters from A-Z a-z 0-9 _ -");
    }
    String roleName = r.string("role", null);
    if (roleName == null) {
      throw ConfigException.at(r.path("role"), "required: ingest, edge or ops");
    }
    Role role = role(roleName, r.path("role"));
    String host = r.string("host", role == Role.EDGE ? "0.0.0.0" : "127.0.0.1");
    if (!r.has("port")) {
      throw ConfigException.at(r.path("port"), "required (0 picks a free port)");
    }
    int port = r.integer("port", 0, 0, 65535);
    Set<Permission> permissions = permissions(r, role);
    Limits limits = limits(r.object("limits"), Limits.defaultsFor(role));
    List<String> tokens = r.strings("auth_tokens", List.of());
    for (int i = 0; i < tokens.size(); i++) {
      if (!HTTP_TOKEN.matcher(tokens.get(i)).matches()) {
        throw ConfigException.at(
            r.path("auth_tokens") + "[" + i + "]",
            "a token travels in Sec-WebSocket-Protocol: 8-256 characters, letters, digits and !#$%&'*+.^_`|~-");
      }
    }
    List<String> origins = origins(r, role);
    if (role != Role.INGEST && r.has("allow_unauthenticated")) {
      throw ConfigException.at(r.path("allow_unauthenticated"), "only ingest listeners take this option");
    }
    boolean allowUnauthenticated = r.bool("allow_unauthenticated", false);
    if (role != Role.EDGE && r.has("demo_page")) {
      throw ConfigException.at(r.path("demo_page"), "only edge listeners serve the demo page");
    }
    // off unless asked for: a listener an operator declares serves only what he chose (the built-in default
    // listener, the one a first try runs, has it on)
    boolean demoPage = r.bool("demo_page", false);
    TlsConfig tls = TlsConfig.read(r, role);
    if (role == Role.OPS && r.has("require_identity")) {
      throw ConfigException.at(r.path("require_identity"), "an ops listener serves only /health, /ready and /metrics");
    }
    boolean requireIdentity = r.bool("require_identity", false);
    if (requireIdentity && tokens.isEmpty() && !identity.hasPublisherKeys() && identity.oidc() == null) {
      throw ConfigException.at(r.path("require_identity"), "no credential could ever be valid: configure"
          + " auth_tokens, identity.api_keys, identity.public_keys or identity.oidc");
    }
    // an ingest listener grants create and publish to whoever reaches it: off loopback, someone must prove who
    // they are (a token, a publisher key or a client certificate), or the operator must say that the network does it
    boolean keysRequired = requireIdentity && identity.hasPublisherKeys();
    if (role == Role.INGEST && tokens.isEmpty() && !keysRequired && (tls == null || !tls.mutual())
        && !allowUnauthenticated && !Loopback.is(host)) {
      throw ConfigException.at(r.path("host"), "ingest listener '" + name + "' binds " + host
          + " (not loopback) without auth_tokens, require_identity with publisher keys, or tls.client_ca, so anyone"
          + " who reaches it could publish; set auth_tokens, configure identity.api_keys or identity.public_keys with"
          + " require_identity: true, or allow_unauthenticated: true if the network alone admits publishers");
    }
    // HTTP/2 multiplexes streams past the per-request bounds of the public side: only the private side speaks it
    if (role != Role.INGEST && r.has("grpc")) {
      throw ConfigException.at(r.path("grpc"), "only ingest listeners serve gRPC");
    }
    boolean grpc = r.bool("grpc", false);
    if (!grpc && r.has("grpc_window")) {
      throw ConfigException.at(r.path("grpc_window"), "only a listener with grpc: true takes this option");
    }
    int grpcWindow = r.integer("grpc_window", ListenerConfig.DEFAULT_GRPC_WINDOW, 1, 65536);
    r.rejectUnknown();
    return new ListenerConfig(name, host, port, role, permissions, limits, List.copyOf(tokens), origins,
        allowUnauthenticated, tls, demoPage, requireIdentity, grpc, grpcWindow);
  }

  /**
   * Edge listeners admit any origin: their data is public and no cookie or other ambient credential is honoured,
   * so a hostile page that opens a WebSocket gets nothing the attacker could not read himself. Private listeners
   * admit no browser: publishers and probes are not browsers, and a browser on the private network must not be
   * turned against it by a page it visits.
   */
  private static List<String> defaultOrigins(Role role) {
    return role == Role.EDGE ? List.of("*") : List.of();
  }

  private static List<String> origins(ConfigReader r, Role role) {
    List<String> origins = r.strings("allowed_origins", defaultOrigins(role));
    for (int i = 0; i < origins.size(); i++) {
      if (!OriginPolicy.isValidEntry(origins.get(i))) {
        throw ConfigException.at(r.path("allowed_origins") + "[" + i + "]", "'" + origins.get(i)
            + "' is not *, an origin such as https://app.example.com[:port], or https://*.example.com[:port]");
      }
    }
    return List.copyOf(origins);
  }

  private static Set<Permission> permissions(ConfigReader r, Role role) {
    List<String> fallback =
        switch (role) {
          case EDGE -> List.of("subscribe");
          case INGEST -> List.of("create", "publish");
          case OPS -> List.of();
        };
    Set<Permission> permissions = EnumSet.noneOf(Permission.class);
    for (String name : r.strings("permissions", fallback)) {
      try {
        permissions.add(Permission.valueOf(name.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw ConfigException.at(
            r.path("permissions"), "unknown permission '" + name + "' (subscribe, create, publish)");
      }
    }
    if (role == Role.OPS && !permissions.isEmpty()) {
      throw ConfigException.at(r.path("permissions"), "an ops listener serves only /health, /ready and /metrics");
    }
    if (role == Role.EDGE && (permissions.contains(Permission.CREATE) || permissions.contains(Permission.PUBLISH))) {
      throw ConfigException.at(
          r.path("permissions"), "an edge listener is public and never grants create or publish");
    }
    return permissions;
  }

  private static Limits limits(ConfigReader r, Limits d) {
    int rate = r.integer("commands_per_second", d.commandsPerSecond(), 0, 1_000_000);
    Limits limits =
        new Limits(
            r.integer("max_connections", d.maxConnections(), 1, 1_000_000),
            r.integer("max_frame_bytes", d.maxFrameBytes(), 256, 64 * 1024 * 1024),
            r.integer("max_data_bytes", d.maxDataBytes(), 1, 64 * 1024 * 1024),
            rate,
            r.integer("burst", rate == 0 ? 0 : Math.max(d.burst(), rate), rate == 0 ? 0 : 1, 1_000_000),
            r.integer("max_subscriptions", d.maxSubscriptions(), 1, 1_000_000),
            r.integer("write_queue_bytes", d.writeQueueBytes(), 1024, 1024 * 1024 * 1024),
            r.integer("ping_interval_ms", d.pingIntervalMs(), 50, 3_600_000),
            r.integer("idle_timeout_ms", d.idleTimeoutMs(), 100, 86_400_000),
            r.integer("handshake_timeout_ms", d.handshakeTimeoutMs(), 100, 600_000),
            r.integer("keep_alive_timeout_ms", d.keepAliveTimeoutMs(), 100, 3_600_000),
            r.integer("max_connections_per_ip", d.maxConnectionsPerIp(), 0, 1_000_000),
            r.integer("max_unwritable_ms", d.maxUnwritableMs(), 100, 86_400_000),
            new PerIpRates(
                r.integer("new_connections_per_second_per_ip", d.perIp().newConnections(), 0, 1_000_000),
                r.integer("frames_per_second_per_ip", d.perIp().frames(), 0, 100_000_000),
                r.integer("read_bytes_per_second_per_ip", d.perIp().readBytes(), 0, Integer.MAX_VALUE),
                r.integer("reply_bytes_per_second_per_ip", d.perIp().replyBytes(), 0, Integer.MAX_VALUE)));
    if (limits.idleTimeoutMs() <= limits.pingIntervalMs()) {
      throw ConfigException.at(
          r.path("idle_timeout_ms"), "must be longer than ping_interval_ms, or live clients would be dropped");
    }
    r.rejectUnknown();
    return limits;
  }

  private static Role role(String name, String path) {
    try {
      return Role.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ConfigException.at(path, "unknown role '" + name + "' (ingest, edge, ops)");
    }
  }
}
