package stream.terminal.lastmile.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Validation of configuration trees: the defaults, and an error naming the option for each mistake. */
class ConfigParserTest {

  /** A valid two-listener configuration, as a test changes it. */
  private static JsonObject valid() {
    return new JsonObject()
        .put("listeners", new JsonArray()
            .add(new JsonObject().put("name", "public").put("role", "edge").put("host", "0.0.0.0").put("port", 8080))
            .add(new JsonObject().put("name", "private").put("role", "ingest").put("host", "127.0.0.1").put("port", 8081)));
  }

  private static JsonObject listener(JsonObject config, int index) {
    return config.getJsonArray("listeners").getJsonObject(index);
  }

  /** Parses {@code valid()} changed by {@code change}; asserts it is refused with a message naming {@code option}. */
  private static ConfigException refused(Consumer<JsonObject> change, String option) {
    JsonObject config = valid();
    change.accept(config);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(config), config.encode());
    assertTrue(e.getMessage().startsWith("invalid configuration: " + option + ": "),
        "expected the message to name " + option + ", got: " + e.getMessage());
    return e;
  }

  // ---- defaults ----

  @Test
  void emptyConfigurationGivesTheEmbeddedDefault() {
    GatewayConfig config = ConfigParser.parse(new JsonObject());
    assertEquals(EnumSet.of(Role.INGEST, Role.EDGE), config.roles());
    assertEquals(2, config.listeners().size());

    ListenerConfig edge = config.listeners().get(0);
    assertEquals("public", edge.name());
    assertEquals("0.0.0.0", edge.host());
    assertEquals(8080, edge.port());
    assertEquals(Role.EDGE, edge.role());
    assertEquals(Set.of(Permission.SUBSCRIBE), edge.permissions());
    assertEquals(Limits.EDGE_DEFAULTS, edge.limits());
    assertEquals(List.of(), edge.authTokens());
    assertTrue(edge.demoPage(), "the embedded default serves the demo page");

    ListenerConfig ingest = config.listeners().get(1);
    assertEquals("private", ingest.name());
    assertEquals("127.0.0.1", ingest.host());
    assertEquals(8081, ingest.port());
    assertEquals(Role.INGEST, ingest.role());
    assertEquals(Set.of(Permission.CREATE, Permission.PUBLISH), ingest.permissions());
    assertEquals(Limits.INGEST_DEFAULTS, ingest.limits());
    assertEquals(List.of(), ingest.authTokens());
    assertFalse(ingest.demoPage());

    assertEquals(0, config.edgeInstances());
    assertEquals(1, config.ingestInstances());
    assertEquals(100_000, config.maxChannels());
    assertEquals(List.of(), config.declaredChannels());
    assertEquals(5000, config.shutdownGraceMs());
    assertEquals(0, config.drainDelayMs());
    assertTrue(config.metricsEnabled());
  }

  @Test
  void limitDefaultsFollowTheRole() {
    Limits edge = Limits.EDGE_DEFAULTS;
    assertTrue(edge.rateLimited(), "edge listeners are rate limited");
    assertTrue(edge.commandsPerSecond() >= 100, "an honest client needs at least 100 commands/s");
    assertTrue(edge.burst() >= 100, "an honest client needs a burst of at least 100");
    assertTrue(edge.idleTimeoutMs() > edge.pingIntervalMs());
    assertEquals(new Limits(10_000, 16 * 1024, 64 * 1024, 100, 200, 128, 256 * 1024, 25_000, 60_000, 10_000, 30_000, 256, 30_000,
        new PerIpRates(32, 200, 256 * 1024, 2 * 1024 * 1024)), edge);

    Limits ingest = Limits.INGEST_DEFAULTS;
    assertEquals(0, ingest.commandsPerSecond(), "the trusted side has no rate limit");
    assertFalse(ingest.rateLimited());
    assertTrue(ingest.idleTimeoutMs() > ingest.pingIntervalMs());
    assertEquals(new Limits(1_000, 1024 * 1024, 64 * 1024, 0, 0, 1024, 4 * 1024 * 1024, 25_000, 60_000, 10_000, 60_000, 0, 30_000, PerIpRates.NONE), ingest);

    assertEquals(edge, Limits.defaultsFor(Role.EDGE));
    assertEquals(ingest, Limits.defaultsFor(Role.INGEST));
  }

  @Test
  void listenersWithoutPermissionsOrLimitsGetTheirRolesDefaults() {
    GatewayConfig config = ConfigParser.parse(valid());
    assertEquals(Set.of(Permission.SUBSCRIBE), config.listeners().get(0).permissions());
    assertEquals(Limits.EDGE_DEFAULTS, config.listeners().get(0).limits());
    assertEquals(Set.of(Permission.CREATE, Permission.PUBLISH), config.listeners().get(1).permissions());
    assertEquals(Limits.INGEST_DEFAULTS, config.listeners().get(1).limits());
  }

  @Test
  void hostDefaultsByRole() {
    JsonObject config = valid();
    listener(config, 0).remove("host");
    listener(config, 1).remove("host");
    GatewayConfig parsed = ConfigParser.parse(config);
    assertEquals("0.0.0.0", parsed.listeners().get(0).host());
    assertEquals("127.0.0.1", parsed.listeners().get(1).host());
  }

  @Test
  void explicitValuesAreKept() {
    JsonObject config = valid()
        .put("node", new JsonObject().put("roles", new JsonArray().add("edge")).put("edge_instances", 3)
            .put("ingest_instances", 2).put("shutdown_grace_ms", 100).put("drain_delay_ms", 2500))
        .put("metrics", new JsonObject().put("enabled", false))
        .put("channels", new JsonObject().put("max", 10).put("declare", new JsonArray().add("a.b").add("x:y@z")));
    listener(config, 0).put("auth_tokens", new JsonArray().add("s3cret-token-1"))
        .put("limits", new JsonObject().put("commands_per_second", 5).put("max_connections", 7));
    listener(config, 1).put("permissions", new JsonArray().add("subscribe").add("create").add("publish"));
    GatewayConfig parsed = ConfigParser.parse(config);
    assertEquals(EnumSet.of(Role.EDGE), parsed.roles());
    assertEquals(3, parsed.edgeInstances());
    assertEquals(2, parsed.ingestInstances());
    assertEquals(100, parsed.shutdownGraceMs());
    assertEquals(2500, parsed.drainDelayMs());
    assertFalse(parsed.metricsEnabled());
    assertEquals(10, parsed.maxChannels());
    assertEquals(List.of("a.b", "x:y@z"), parsed.declaredChannels());
    assertEquals(List.of("s3cret-token-1"), parsed.listeners().get(0).authTokens());
    assertEquals(5, parsed.listeners().get(0).limits().commandsPerSecond());
    assertEquals(7, parsed.listeners().get(0).limits().maxConnections());
    assertEquals(EnumSet.allOf(Permission.class), parsed.listeners().get(1).permissions());
    // a node running only the edge role opens no ingest listener
    assertEquals(List.of(), parsed.listeners(Role.INGEST));
    assertEquals(1, parsed.listeners(Role.EDGE).size());
  }

  @Test
  void severalListenersPerRoleAndPortZeroTwiceAreAllowed() {
    JsonObject config = valid();
    config.getJsonArray("listeners")
        .add(new JsonObject().put("name", "public-2").put("role", "edge").put("host", "10.0.0.1").put("port", 8080))
        .add(new JsonObject().put("name", "any-1").put("role", "edge").put("port", 0))
        .add(new JsonObject().put("name", "any-2").put("role", "edge").put("port", 0));
    assertEquals(4, ConfigParser.parse(config).listeners(Role.EDGE).size());
  }

  @Test
  void demoPageIsOffOnADeclaredEdgeListenerUnlessAskedFor() {
    assertFalse(ConfigParser.parse(valid()).listeners().get(0).demoPage());
    JsonObject config = valid();
    listener(config, 0).put("demo_page", true);
    assertTrue(ConfigParser.parse(config).listeners().get(0).demoPage());
  }

  @Test
  void grpcIsOffUnlessAskedForAndItsWindowDefaults() {
    assertFalse(ConfigParser.parse(valid()).listeners().get(1).grpc());
    JsonObject config = valid();
    listener(config, 1).put("grpc", true);
    ListenerConfig ingest = ConfigParser.parse(config).listeners().get(1);
    assertTrue(ingest.grpc());
    assertEquals(ListenerConfig.DEFAULT_GRPC_WINDOW, ingest.grpcWindow());
    listener(config, 1).put("grpc_window", 8);
    assertEquals(8, ConfigParser.parse(config).listeners().get(1).grpcWindow());
  }

  // ---- errors: listeners ----

  @Test
  void grpcOnAListenerOtherThanIngestIsRefused() {
    ConfigException e = refused(c -> listener(c, 0).put("grpc", true), "listeners[0].grpc");
    assertTrue(e.getMessage().contains("only ingest listeners"), e.getMessage());
  }

  @Test
  void grpcWindowWithoutGrpcOrOutOfRangeIsRefused() {
    refused(c -> listener(c, 1).put("grpc_window", 8), "listeners[1].grpc_window");
    refused(c -> listener(c, 1).put("grpc", true).put("grpc_window", 0), "listeners[1].grpc_window");
    refused(c -> listener(c, 1).put("grpc", "yes"), "listeners[1].grpc");
  }


  @Test
  void demoPageOnAListenerOtherThanEdgeIsRefused() {
    refused(c -> listener(c, 1).put("demo_page", false), "listeners[1].demo_page");
  }

  @Test
  void demoPageThatIsNotABooleanIsRefused() {
    refused(c -> listener(c, 0).put("demo_page", "yes"), "listeners[0].demo_page");
  }

  @Test
  void portOutOfRangeIsRefused() {
    ConfigException e = refused(c -> listener(c, 0).put("port", 70000), "listeners[0].port");
    assertTrue(e.getMessage().contains("70000"), e.getMessage());
    refused(c -> listener(c, 1).put("port", -1), "listeners[1].port");
  }

  @Test
  void portThatIsNotAnIntegerIsRefused() {
    ConfigException e = refused(c -> listener(c, 0).put("port", "abc"), "listeners[0].port");
    assertTrue(e.getMessage().contains("abc"), e.getMessage());
    refused(c -> listener(c, 0).put("port", 80.5), "listeners[0].port");
  }

  @Test
  void unknownPermissionIsRefused() {
    ConfigException e = refused(c -> listener(c, 1).put("permissions", new JsonArray().add("create").add("admin")),
        "listeners[1].permissions");
    assertTrue(e.getMessage().contains("admin"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"publish", "create"})
  void edgeListenerGrantingPublishOrCreateIsRefused(String permission) {
    refused(c -> listener(c, 0).put("permissions", new JsonArray().add("subscribe").add(permission)),
        "listeners[0].permissions");
  }

  @Test
  void duplicateListenerNameIsRefused() {
    ConfigException e = refused(c -> listener(c, 1).put("name", "public"), "listeners[1].name");
    assertTrue(e.getMessage().contains("duplicate"), e.getMessage());
  }

  @Test
  void duplicateHostAndPortIsRefused() {
    ConfigException e = refused(c -> listener(c, 1).put("host", "0.0.0.0").put("port", 8080)
        .put("allow_unauthenticated", true), "listeners[1].port");
    assertTrue(e.getMessage().contains("0.0.0.0:8080"), e.getMessage());
  }

  @Test
  void missingNameRoleOrPortIsRefused() {
    refused(c -> listener(c, 0).remove("name"), "listeners[0].name");
    refused(c -> listener(c, 1).remove("role"), "listeners[1].role");
    refused(c -> listener(c, 1).remove("port"), "listeners[1].port");
  }

  @ParameterizedTest
  @ValueSource(strings = {"both", "publisher", "ingester", "subscribe"})
  void roleOtherThanIngestOrEdgeIsRefused(String role) {
    ConfigException e = refused(c -> listener(c, 0).put("role", role), "listeners[0].role");
    assertTrue(e.getMessage().contains(role), e.getMessage());
  }

  @Test
  void invalidListenerNameIsRefused() {
    refused(c -> listener(c, 0).put("name", "has space"), "listeners[0].name");
    refused(c -> listener(c, 0).put("name", ""), "listeners[0].name");
  }

  @Test
  void emptyListenerListIsRefused() {
    refused(c -> c.put("listeners", new JsonArray()), "listeners");
  }

  @Test
  void nodeRoleWithoutAListenerIsRefused() {
    ConfigException e = refused(c -> c.getJsonArray("listeners").remove(1), "listeners");
    assertTrue(e.getMessage().contains("node.roles") && e.getMessage().contains("ingest"), e.getMessage());
    ConfigException edge = refused(c -> c.getJsonArray("listeners").remove(0), "listeners");
    assertTrue(edge.getMessage().contains("node.roles") && edge.getMessage().contains("edge"), edge.getMessage());
  }

  @Test
  void nodeRolesMustBeKnownAndNotEmpty() {
    refused(c -> c.put("node", new JsonObject().put("roles", new JsonArray().add("edge").add("relay"))), "node.roles");
    refused(c -> c.put("node", new JsonObject().put("roles", new JsonArray())), "node.roles");
  }

  // ---- errors: unknown options ----

  @Test
  void unknownRootKeyIsRefused() {
    refused(c -> c.put("listners", new JsonArray()), "listners");
  }

  @Test
  void unknownListenerKeyIsRefused() {
    refused(c -> listener(c, 0).put("permisions", new JsonArray().add("subscribe")), "listeners[0].permisions");
  }

  @Test
  void unknownLimitKeyIsRefused() {
    refused(c -> listener(c, 1).put("limits", new JsonObject().put("max_conections", 5)),
        "listeners[1].limits.max_conections");
  }

  @Test
  void unknownKeysInNodeMetricsAndChannelsAreRefused() {
    refused(c -> c.put("node", new JsonObject().put("edge_instance", 2)), "node.edge_instance");
    refused(c -> c.put("metrics", new JsonObject().put("enable", true)), "metrics.enable");
    refused(c -> c.put("channels", new JsonObject().put("declared", new JsonArray())), "channels.declared");
  }

  // ---- errors: limits, channels, tokens ----

  @Test
  void idleTimeoutNotLongerThanPingIntervalIsRefused() {
    refused(c -> listener(c, 0).put("limits", new JsonObject().put("ping_interval_ms", 1000).put("idle_timeout_ms", 1000)),
        "listeners[0].limits.idle_timeout_ms");
    refused(c -> listener(c, 1).put("limits", new JsonObject().put("idle_timeout_ms", 20_000)),
        "listeners[1].limits.idle_timeout_ms");
  }

  @Test
  void maxUnwritableTimeIsReadAndBounded() throws Exception {
    refused(c -> listener(c, 0).put("limits", new JsonObject().put("max_unwritable_ms", 99)),
        "listeners[0].limits.max_unwritable_ms");
  }

  @Test
  void limitOutOfRangeIsRefused() {
    refused(c -> listener(c, 0).put("limits", new JsonObject().put("max_connections", 0)),
        "listeners[0].limits.max_connections");
    refused(c -> listener(c, 0).put("limits", new JsonObject().put("max_frame_bytes", "big")),
        "listeners[0].limits.max_frame_bytes");
    refused(c -> listener(c, 0).put("limits", new JsonObject().put("handshake_timeout_ms", 99)),
        "listeners[0].limits.handshake_timeout_ms");
    refused(c -> listener(c, 0).put("limits", new JsonObject().put("keep_alive_timeout_ms", 3_600_001)),
        "listeners[0].limits.keep_alive_timeout_ms");
    refused(c -> listener(c, 1).put("limits", new JsonObject().put("max_connections_per_ip", -1)),
        "listeners[1].limits.max_connections_per_ip");
    refused(c -> listener(c, 0).put("limits", new JsonObject().put("frames_per_second_per_ip", -1)),
        "listeners[0].limits.frames_per_second_per_ip");
  }

  @Test
  void perAddressBudgetsAreReadAndZeroTurnsEachOff() {
    JsonObject config = valid();
    listener(config, 0).put("limits", new JsonObject().put("new_connections_per_second_per_ip", 5)
        .put("frames_per_second_per_ip", 0).put("read_bytes_per_second_per_ip", 1000)
        .put("reply_bytes_per_second_per_ip", 2000));
    assertEquals(new PerIpRates(5, 0, 1000, 2000), ConfigParser.parse(config).listeners().get(0).limits().perIp());
  }

  @Test
  void connectionLimitsAreRead() {
    JsonObject config = valid();
    listener(config, 0).put("limits", new JsonObject().put("handshake_timeout_ms", 2000)
        .put("keep_alive_timeout_ms", 5000).put("max_connections_per_ip", 0));
    Limits limits = ConfigParser.parse(config).listeners().get(0).limits();
    assertEquals(2000, limits.handshakeTimeoutMs());
    assertEquals(5000, limits.keepAliveTimeoutMs());
    assertEquals(0, limits.maxConnectionsPerIp(), "0 turns the per-address cap off");
  }

  @ParameterizedTest
  @ValueSource(strings = {"has space", "slash/inside", "bad*name", "quote\"d"})
  void invalidDeclaredChannelIsRefused(String name) {
    ConfigException e = refused(
        c -> c.put("channels", new JsonObject().put("declare", new JsonArray().add("ok.channel").add(name))),
        "channels.declare[1]");
    assertTrue(e.getMessage().contains(name), e.getMessage());
  }

  @Test
  void declaredChannelLongerThan128CharactersIsRefused() {
    String ok = "x".repeat(128);
    assertEquals(List.of(ok), ConfigParser.parse(valid().put("channels",
        new JsonObject().put("declare", new JsonArray().add(ok)))).declaredChannels());
    refused(c -> c.put("channels", new JsonObject().put("declare", new JsonArray().add(ok + "x"))),
        "channels.declare[0]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"short", "has space-in-it", "new\nline-token", "comma,token-1"})
  void invalidAuthTokenIsRefused(String token) {
    refused(c -> listener(c, 0).put("auth_tokens", new JsonArray().add("s3cret-token-1").add(token)),
        "listeners[0].auth_tokens[1]");
  }

  @Test
  void wrongTypesAreRefusedWithTheirPath() {
    refused(c -> c.put("listeners", new JsonObject()), "listeners");
    refused(c -> c.getJsonArray("listeners").add("public"), "listeners[2]");
    refused(c -> c.put("node", "both"), "node");
    refused(c -> c.put("metrics", new JsonObject().put("enabled", "yes")), "metrics.enabled");
    refused(c -> listener(c, 0).put("permissions", "subscribe"), "listeners[0].permissions");
    refused(c -> listener(c, 0).put("host", ""), "listeners[0].host");
  }

  @Test
  void declaredChannelsMustBeDistinctAndWithinTheChannelLimit() {
    refused(c -> c.put("channels", new JsonObject().put("declare", new JsonArray().add("a").add("a"))),
        "channels.declare[1]");
    refused(c -> c.put("channels", new JsonObject().put("max", 1).put("declare", new JsonArray().add("a").add("b"))),
        "channels.declare");
  }

  // ---- channel policies: channels.defaults, channels.patterns, channels.history_max_page ----

  private static JsonObject pattern(String pattern) {
    return new JsonObject().put("pattern", pattern);
  }

  /** {@code valid()} with {@code channels} set to {@code channels}. */
  private static GatewayConfig withChannels(JsonObject channels) {
    return ConfigParser.parse(valid().put("channels", channels));
  }

  /** Refused with {@code channels} set to {@code channels}, the message naming {@code option}. */
  private static ConfigException channelsRefused(JsonObject channels, String option) {
    return refused(c -> c.put("channels", channels), option);
  }

  @Test
  void withoutChannelPoliciesEveryChannelGetsTheBuiltInDefault() {
    GatewayConfig config = ConfigParser.parse(new JsonObject());
    assertEquals(new ChannelPolicy("*", 1000, 600, false), ChannelPolicy.DEFAULT);
    assertEquals(ChannelPolicy.DEFAULT, config.channelPolicies().fallback());
    assertEquals(List.of(), config.channelPolicies().all());
    assertEquals(ChannelPolicy.DEFAULT, config.channelPolicies().forChannel("anything.at.all"));
    assertEquals(1000, config.historyMaxPage());
  }

  @Test
  void clusterTlsNeedsCertKeyAndCaFilesThatExist(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path pem = java.nio.file.Files.writeString(dir.resolve("x.pem"), "-----BEGIN CERTIFICATE-----\n");
    JsonObject tls = new JsonObject().put("cert", pem.toString()).put("key", pem.toString()).put("ca", pem.toString());
    assertEquals(null, ConfigParser.parse(valid()).cluster().tls(), "plain TCP unless configured");
    GatewayConfig config = ConfigParser.parse(valid().put("cluster", new JsonObject().put("tls", tls.copy())));
    assertEquals(new ClusterTls(pem.toString(), pem.toString(), pem.toString()), config.cluster().tls());
    refused(c -> c.put("cluster", new JsonObject().put("tls", tls.copy().put("ca", dir.resolve("none").toString()))),
        "cluster.tls.ca");
    JsonObject noCa = tls.copy();
    noCa.remove("ca");
    refused(c -> c.put("cluster", new JsonObject().put("tls", noCa)), "cluster.tls.ca");
    refused(c -> c.put("cluster", new JsonObject().put("tls", tls.copy().put("client_auth", "none"))),
        "cluster.tls.client_auth");
  }

  @Test
  void minMembersDefaultsToAMajorityOfAListOfThreeOrMoreAndCanBeSet() {
    assertEquals(1, ConfigParser.parse(valid()).cluster().minMembers(), "one listed member says nothing of the size");
    assertEquals(1, clusterOf(new JsonArray().add("10.0.0.1").add("10.0.0.2")).cluster().minMembers());
    assertEquals(2, clusterOf(new JsonArray().add("10.0.0.1").add("10.0.0.2").add("10.0.0.3")).cluster().minMembers());
    assertEquals(3, clusterOf(new JsonArray().add("a").add("b").add("c").add("d").add("e")).cluster().minMembers());
    assertEquals(3, ConfigParser.parse(valid().put("cluster", new JsonObject().put("min_members", 3)))
        .cluster().minMembers());
    refused(c -> c.put("cluster", new JsonObject().put("min_members", 0)), "cluster.min_members");
  }

  private static GatewayConfig clusterOf(JsonArray members) {
    return ConfigParser.parse(valid().put("cluster", new JsonObject().put("members", members)));
  }

  @Test
  void channelBoundsHaveSafeDefaultsAndRanges() {
    assertEquals(new ChannelBounds(256L * 1024 * 1024, 10_000, 86_400), ConfigParser.parse(new JsonObject()).channelBounds());
    GatewayConfig config = ConfigParser.parse(new JsonObject().put("channels", new JsonObject()
        .put("backlog_max_bytes", 8L << 30).put("sweep_interval_ms", 50).put("idle_evict_seconds", 0)));
    assertEquals(new ChannelBounds(8L << 30, 50, 0), config.channelBounds());
    channelsRefused(new JsonObject().put("backlog_max_bytes", 1024), "channels.backlog_max_bytes");
    channelsRefused(new JsonObject().put("sweep_interval_ms", 0), "channels.sweep_interval_ms");
    channelsRefused(new JsonObject().put("idle_evict_seconds", -1), "channels.idle_evict_seconds");
  }

  @Test
  void theIdempotencyWindowIsAPolicyOptionWithDefaultsAndBounds() {
    GatewayConfig config = withChannels(new JsonObject()
        .put("defaults", new JsonObject().put("idempotency_window_seconds", 120))
        .put("patterns", new JsonArray().add(pattern("orders.*").put("idempotency_window_seconds", 3600))));
    assertEquals(3600, config.channelPolicies().forChannel("orders.eu").idempotencyWindowSeconds());
    assertEquals(120, config.channelPolicies().forChannel("other").idempotencyWindowSeconds());
    assertEquals(300, ConfigParser.parse(new JsonObject()).channelPolicies().fallback().idempotencyWindowSeconds());
    refused(c -> c.put("channels", new JsonObject().put("defaults",
        new JsonObject().put("idempotency_window_seconds", 0))), "channels.defaults.idempotency_window_seconds");
    refused(c -> c.put("channels", new JsonObject().put("defaults",
        new JsonObject().put("idempotency_window_seconds", 86_401))), "channels.defaults.idempotency_window_seconds");
  }

  @Test
  void patternsParseInOrderAndTheFirstMatchWins() {
    GatewayConfig config = withChannels(new JsonObject()
        .put("patterns", new JsonArray()
            .add(pattern("indicators.btc.*").put("backlog_size", 20000))
            .add(pattern("indicators.*").put("backlog_size", 5000).put("backlog_ttl_seconds", 3600)
                .put("create_on_publish", true))
            .add(pattern("alerts.*").put("backlog_size", 0))
            .add(pattern("*.debug").put("backlog_ttl_seconds", 60)))
        .put("history_max_page", 200));
    ChannelPolicies policies = config.channelPolicies();

    assertEquals(List.of("indicators.btc.*", "indicators.*", "alerts.*", "*.debug"),
        policies.all().stream().map(ChannelPolicy::pattern).toList());
    assertEquals(200, config.historyMaxPage());

    // the more specific pattern is listed first, so it decides for its names
    assertEquals(new ChannelPolicy("indicators.btc.*", 20000, 600, false), policies.forChannel("indicators.btc.1m"));
    assertEquals(new ChannelPolicy("indicators.*", 5000, 3600, true), policies.forChannel("indicators.eth.1m"));
    // a name two patterns match goes to the first of them
    assertEquals("indicators.*", policies.forChannel("indicators.debug").pattern());
    assertEquals("alerts.*", policies.forChannel("alerts.debug").pattern());
    assertEquals("*.debug", policies.forChannel("orders.debug").pattern());
    assertEquals(0, policies.forChannel("alerts.eu").backlogSize());
    assertFalse(policies.forChannel("alerts.eu").keepsBacklog());
  }

  @Test
  void anAsteriskStandsForAnyRunOfCharactersAndEverythingElseIsLiteral() {
    ChannelPolicies policies = withChannels(new JsonObject().put("patterns", new JsonArray()
        .add(pattern("indicators.*").put("backlog_size", 5000))
        .add(pattern("a*b*c").put("backlog_size", 7))
        .add(pattern("exact:name@x").put("backlog_size", 9)))).channelPolicies();

    assertEquals(5000, policies.forChannel("indicators.btc").backlogSize());
    assertEquals(5000, policies.forChannel("indicators.btc.1m").backlogSize(), "* crosses dots");
    assertEquals(5000, policies.forChannel("indicators.").backlogSize(), "* matches an empty run");
    assertEquals(1000, policies.forChannel("indicatorsXbtc").backlogSize(), ". is a dot, not any character");
    assertEquals(1000, policies.forChannel("Indicators.btc").backlogSize(), "names are compared case-sensitively");
    assertEquals(1000, policies.forChannel("x.indicators.btc").backlogSize(), "a pattern matches the whole name");
    assertEquals(7, policies.forChannel("abc").backlogSize());
    assertEquals(7, policies.forChannel("a-1-b-2-c").backlogSize());
    assertEquals(1000, policies.forChannel("a-1-b-2-c-3").backlogSize());
    assertEquals(9, policies.forChannel("exact:name@x").backlogSize());
    assertEquals(1000, policies.forChannel("exact:name@xy").backlogSize());
  }

  @Test
  void defaultsApplyToUnmatchedNamesAndFillUnspecifiedPatternFields() {
    ChannelPolicies policies = withChannels(new JsonObject()
        .put("defaults", new JsonObject().put("backlog_size", 50).put("backlog_ttl_seconds", 30)
            .put("create_on_publish", true))
        .put("patterns", new JsonArray()
            .add(pattern("indicators.*").put("backlog_size", 5000))
            .add(pattern("alerts.*").put("backlog_ttl_seconds", 7200).put("create_on_publish", false))
            .add(pattern("plain.*")))).channelPolicies();

    assertEquals(new ChannelPolicy("*", 50, 30, true), policies.fallback());
    assertEquals(new ChannelPolicy("*", 50, 30, true), policies.forChannel("orders.eu"));
    assertEquals(new ChannelPolicy("indicators.*", 5000, 30, true), policies.forChannel("indicators.btc"));
    assertEquals(new ChannelPolicy("alerts.*", 50, 7200, false), policies.forChannel("alerts.eu"));
    assertEquals(new ChannelPolicy("plain.*", 50, 30, true), policies.forChannel("plain.x"));
  }

  @Test
  void partialDefaultsKeepTheBuiltInValuesForTheRest() {
    ChannelPolicies policies = withChannels(new JsonObject()
        .put("defaults", new JsonObject().put("backlog_size", 0))
        .put("patterns", new JsonArray().add(pattern("kept.*").put("backlog_size", 10)))).channelPolicies();
    assertEquals(new ChannelPolicy("*", 0, 600, false), policies.forChannel("other"));
    assertEquals(new ChannelPolicy("kept.*", 10, 600, false), policies.forChannel("kept.a"));
  }

  @Test
  void channelPolicyBoundsAreAccepted() {
    GatewayConfig low = withChannels(new JsonObject()
        .put("defaults", new JsonObject().put("backlog_size", 0).put("backlog_ttl_seconds", 1))
        .put("history_max_page", 1));
    assertEquals(new ChannelPolicy("*", 0, 1, false), low.channelPolicies().fallback());
    assertEquals(1, low.historyMaxPage());
    GatewayConfig high = withChannels(new JsonObject()
        .put("patterns", new JsonArray().add(pattern("x").put("backlog_size", 100_000)
            .put("backlog_ttl_seconds", 2_592_000)))
        .put("history_max_page", 1000));
    assertEquals(new ChannelPolicy("x", 100_000, 2_592_000, false), high.channelPolicies().forChannel("x"));
    assertEquals(1000, high.historyMaxPage());
    String longest = "p".repeat(127) + "*";
    assertEquals(longest, withChannels(new JsonObject().put("patterns", new JsonArray().add(pattern(longest))))
        .channelPolicies().all().get(0).pattern());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "with space", "tab\there", "slash/x", "q?", "accent\u00e9"})
  void invalidPatternIsRefused(String bad) {
    channelsRefused(new JsonObject().put("patterns", new JsonArray().add(pattern("ok.*")).add(pattern(bad))),
        "channels.patterns[1].pattern");
  }

  @Test
  void patternLongerThan128CharactersOrMissingIsRefused() {
    String tooLong = "p".repeat(128) + "*";
    assertEquals(129, tooLong.length());
    channelsRefused(new JsonObject().put("patterns", new JsonArray().add(pattern("ok.*")).add(pattern(tooLong))),
        "channels.patterns[1].pattern");
    channelsRefused(new JsonObject().put("patterns", new JsonArray().add(new JsonObject().put("backlog_size", 5))),
        "channels.patterns[0].pattern");
    channelsRefused(new JsonObject().put("patterns", new JsonArray().add(new JsonObject().put("pattern", 5))),
        "channels.patterns[0].pattern");
  }

  @Test
  void outOfRangePolicyValuesAreRefusedWithTheirPath() {
    channelsRefused(new JsonObject().put("patterns", new JsonArray()
            .add(pattern("a.*")).add(pattern("b.*").put("backlog_size", -1))),
        "channels.patterns[1].backlog_size");
    channelsRefused(new JsonObject().put("patterns", new JsonArray().add(pattern("a.*").put("backlog_size", 100_001))),
        "channels.patterns[0].backlog_size");
    channelsRefused(new JsonObject().put("patterns", new JsonArray().add(pattern("a.*").put("backlog_ttl_seconds", 0))),
        "channels.patterns[0].backlog_ttl_seconds");
    channelsRefused(new JsonObject().put("patterns", new JsonArray()
            .add(pattern("a.*").put("backlog_ttl_seconds", 2_592_001))),
        "channels.patterns[0].backlog_ttl_seconds");
    channelsRefused(new JsonObject().put("patterns", new JsonArray()
            .add(pattern("a.*").put("create_on_publish", "yes"))),
        "channels.patterns[0].create_on_publish");
    channelsRefused(new JsonObject().put("defaults", new JsonObject().put("backlog_size", -1)),
        "channels.defaults.backlog_size");
    channelsRefused(new JsonObject().put("defaults", new JsonObject().put("backlog_ttl_seconds", 0)),
        "channels.defaults.backlog_ttl_seconds");
    channelsRefused(new JsonObject().put("history_max_page", 1001), "channels.history_max_page");
    channelsRefused(new JsonObject().put("history_max_page", 0), "channels.history_max_page");
  }

  @Test
  void drainDelayOutOfRangeIsRefused() {
    JsonObject config = valid().put("node", new JsonObject().put("drain_delay_ms", 600_001));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(config));
    assertEquals("invalid configuration: node.drain_delay_ms: 600001 is out of range [0, 600000]", e.getMessage());
  }

  @Test
  void outOfRangeMessageGivesTheRange() {
    ConfigException e = channelsRefused(
        new JsonObject().put("patterns", new JsonArray().add(pattern("a.*")).add(pattern("b.*").put("backlog_size", -1))),
        "channels.patterns[1].backlog_size");
    assertEquals("invalid configuration: channels.patterns[1].backlog_size: -1 is out of range [0, 100000]",
        e.getMessage());
  }

  @Test
  void unknownKeysInPatternsAndDefaultsAreRefused() {
    channelsRefused(new JsonObject().put("patterns", new JsonArray()
            .add(pattern("a.*")).add(pattern("b.*").put("backlog", 10))),
        "channels.patterns[1].backlog");
    channelsRefused(new JsonObject().put("defaults", new JsonObject().put("pattern", "x.*")),
        "channels.defaults.pattern");
    channelsRefused(new JsonObject().put("defaults", new JsonObject().put("backlog_ttl", 60)),
        "channels.defaults.backlog_ttl");
  }

  @Test
  void patternsAndDefaultsOfTheWrongShapeAreRefused() {
    channelsRefused(new JsonObject().put("patterns", pattern("a.*")), "channels.patterns");
    channelsRefused(new JsonObject().put("patterns", new JsonArray().add("a.*")), "channels.patterns[0]");
    channelsRefused(new JsonObject().put("defaults", new JsonArray()), "channels.defaults");
  }
}
