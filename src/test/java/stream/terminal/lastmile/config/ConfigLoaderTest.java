package stream.terminal.lastmile.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading real YAML files, environment overrides, and which file a node reads. */
class ConfigLoaderTest {
  private static final String TWO_EDGES =
      """
      node:
        roles: [ingest, edge]
        shutdown_grace_ms: 250
      channels:
        declare: [alerts, indicators.btc]
      listeners:
        - name: lan
          role: ingest
          host: 127.0.0.1
          port: 9001
          permissions: [create, publish, subscribe]
          limits:
            max_data_bytes: 1024
        - name: web
          role: edge
          host: 0.0.0.0
          port: 9002
          auth_tokens: [s3cret-token-1]
          limits:
            commands_per_second: 20
            burst: 40
        - name: web-v6
          role: edge
          host: "::"
          port: 9003
      """;

  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void loadsAValidYamlFile() throws Exception {
    GatewayConfig config = ConfigLoader.load(write("ok.yaml", TWO_EDGES), Map.of());
    assertEquals(EnumSet.of(Role.INGEST, Role.EDGE), config.roles());
    assertEquals(250, config.shutdownGraceMs());
    assertEquals(List.of("alerts", "indicators.btc"), config.declaredChannels());
    assertEquals(3, config.listeners().size());

    ListenerConfig lan = config.listeners().get(0);
    assertEquals("lan", lan.name());
    assertEquals(Role.INGEST, lan.role());
    assertEquals(9001, lan.port());
    assertEquals(EnumSet.allOf(Permission.class), lan.permissions());
    assertEquals(1024, lan.limits().maxDataBytes());
    assertEquals(Limits.INGEST_DEFAULTS.maxConnections(), lan.limits().maxConnections());

    ListenerConfig web = config.listeners().get(1);
    assertEquals("web", web.name());
    assertEquals("0.0.0.0", web.host());
    assertEquals(9002, web.port());
    assertEquals(Set.of(Permission.SUBSCRIBE), web.permissions());
    assertEquals(List.of("s3cret-token-1"), web.authTokens());
    assertEquals(20, web.limits().commandsPerSecond());
    assertEquals(40, web.limits().burst());

    assertEquals("::", config.listeners().get(2).host());
  }

  @Test
  void noFileGivesTheBuiltInDefaults() {
    assertEquals(ConfigParser.parse(new JsonObject()), ConfigLoader.load(null, Map.of()));
  }

  @Test
  void warmupIsOnByDefaultAndTheEnvironmentTurnsItOff() {
    assertEquals(new WarmupConfig(true, 4000, 2_000_000, "127.0.0.1"), ConfigLoader.load(null, Map.of()).warmup());
    assertEquals(WarmupConfig.DISABLED, ConfigLoader.load(null, Map.of("LASTMILE_WARMUP", "false")).warmup());
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("LASTMILE_WARMUP", "off")));
    assertTrue(e.getMessage().contains("node.warmup.enabled") && e.getMessage().contains("LASTMILE_WARMUP"),
        e.getMessage());
  }

  @Test
  void warmupBoundsAreChecked() throws Exception {
    Path file = write("warmup.yaml", "node:\n  warmup: {max_ms: 50}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
    assertTrue(e.getMessage().contains("node.warmup.max_ms"), e.getMessage());
  }

  @Test
  void missingFileCannotBeRead() {
    Path missing = dir.resolve("nope.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, Map.of()));
    assertTrue(e.getMessage().startsWith("cannot read configuration file"), e.getMessage());
    assertTrue(e.getMessage().contains("nope.yaml"), e.getMessage());
  }

  @Test
  void directoryCannotBeRead() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir, Map.of()));
    assertTrue(e.getMessage().startsWith("cannot read configuration file"), e.getMessage());
  }

  @Test
  void invalidYamlCannotBeParsed() throws Exception {
    for (String text : new String[] {"listeners: [unclosed\n", "node:\n  roles: [edge\n  x: : :\n", "a: b\n a: c\n\t- z"}) {
      Path file = write("bad.yaml", text);
      ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()), text);
      assertTrue(e.getMessage().startsWith("cannot parse configuration file"), e.getMessage());
      assertTrue(e.getMessage().contains("bad.yaml"), e.getMessage());
    }
  }

  @Test
  void invalidOptionInAFileNamesItsPath() throws Exception {
    Path file = write("port.yaml", TWO_EDGES.replace("port: 9002", "port: 70000"));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
    assertTrue(e.getMessage().startsWith("invalid configuration: listeners[1].port: "), e.getMessage());
  }

  // ---- environment overrides ----

  @Test
  void edgePortVariableSetsTheFirstEdgeListener() throws Exception {
    GatewayConfig config = ConfigLoader.load(write("ok.yaml", TWO_EDGES), Map.of("LASTMILE_EDGE_PORT", "9090"));
    assertEquals(9001, config.listeners().get(0).port());
    assertEquals(9090, config.listeners().get(1).port());
    assertEquals(9003, config.listeners().get(2).port());
  }

  @Test
  void minMembersVariableSetsTheQuorum() {
    assertEquals(2, ConfigLoader.load(null, Map.of("LASTMILE_CLUSTER_MIN_MEMBERS", "2")).cluster().minMembers());
  }

  @Test
  void edgePortVariableAppliesToTheDefaultsWithoutAFile() {
    GatewayConfig config = ConfigLoader.load(null, Map.of("LASTMILE_EDGE_PORT", " 9090 "));
    assertEquals(9090, config.listeners(Role.EDGE).get(0).port());
    assertEquals(8081, config.listeners(Role.INGEST).get(0).port());
    assertEquals(Limits.EDGE_DEFAULTS, config.listeners(Role.EDGE).get(0).limits());
    assertEquals(Set.of(Permission.SUBSCRIBE), config.listeners(Role.EDGE).get(0).permissions());
  }

  @Test
  void edgePortVariableThatIsNotAnIntegerNamesTheVariable() throws Exception {
    Path file = write("ok.yaml", TWO_EDGES);
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(file, Map.of("LASTMILE_EDGE_PORT", "abc")));
    assertTrue(e.getMessage().contains("LASTMILE_EDGE_PORT"), e.getMessage());
    assertTrue(e.getMessage().contains("listeners[1].port"), e.getMessage());
    assertTrue(e.getMessage().contains("abc"), e.getMessage());
  }

  @Test
  void edgePortVariableOutOfRangeNamesTheVariable() throws Exception {
    Path file = write("ok.yaml", TWO_EDGES);
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(file, Map.of("LASTMILE_EDGE_PORT", "70000")));
    assertTrue(e.getMessage().startsWith("invalid configuration: listeners[1].port: "), e.getMessage());
    assertTrue(e.getMessage().contains("LASTMILE_EDGE_PORT"), e.getMessage());
  }

  @Test
  void rolesVariableChoosesTheRoles() throws Exception {
    GatewayConfig edgeOnly = ConfigLoader.load(write("ok.yaml", TWO_EDGES), Map.of("LASTMILE_ROLES", "edge"));
    assertEquals(EnumSet.of(Role.EDGE), edgeOnly.roles());
    assertEquals(List.of(), edgeOnly.listeners(Role.INGEST));
    assertEquals(2, edgeOnly.listeners(Role.EDGE).size());

    GatewayConfig both = ConfigLoader.load(null, Map.of("LASTMILE_ROLES", "edge, ingest"));
    assertEquals(EnumSet.of(Role.INGEST, Role.EDGE), both.roles());
  }

  @Test
  void rolesVariableWithAnUnknownRoleNamesTheVariable() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("LASTMILE_ROLES", "edge,relay")));
    assertTrue(e.getMessage().contains("node.roles"), e.getMessage());
    assertTrue(e.getMessage().contains("LASTMILE_ROLES"), e.getMessage());
  }

  @Test
  void rolesVariableWithAnEmptyEntryNamesTheVariable() {
    for (String roles : new String[] {"", " ,edge"}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> ConfigLoader.load(null, Map.of("LASTMILE_ROLES", roles)), "LASTMILE_ROLES='" + roles + "'");
      assertTrue(e.getMessage().startsWith("invalid configuration: node.roles[0]: "), e.getMessage());
      assertTrue(e.getMessage().contains("LASTMILE_ROLES"), e.getMessage());
    }
  }

  @Test
  void ingestHostVariableSetsTheFirstIngestListener() throws Exception {
    GatewayConfig config = ConfigLoader.load(write("ok.yaml", TWO_EDGES), Map.of("LASTMILE_INGEST_HOST", "127.0.1.3"));
    assertEquals("127.0.1.3", config.listeners().get(0).host());
    assertEquals(9001, config.listeners().get(0).port());
    assertEquals("0.0.0.0", config.listeners().get(1).host());

    GatewayConfig defaults = ConfigLoader.load(null, Map.of("LASTMILE_INGEST_HOST", "127.0.1.3",
        "LASTMILE_INGEST_PORT", "9999", "LASTMILE_EDGE_HOST", "192.0.2.1"));
    assertEquals("127.0.1.3", defaults.listeners(Role.INGEST).get(0).host());
    assertEquals(9999, defaults.listeners(Role.INGEST).get(0).port());
    assertEquals("192.0.2.1", defaults.listeners(Role.EDGE).get(0).host());
  }

  @Test
  void ingestOnAllAddressesNeedsTokensOrTheAllowUnauthenticatedVariable() {
    ConfigException refused = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("LASTMILE_INGEST_HOST", "0.0.0.0")));
    assertTrue(refused.getMessage().startsWith("invalid configuration: listeners[1].host: ingest listener 'private'"),
        refused.getMessage());
    GatewayConfig container = ConfigLoader.load(null,
        Map.of("LASTMILE_INGEST_HOST", "0.0.0.0", "LASTMILE_INGEST_ALLOW_UNAUTHENTICATED", "true"));
    assertTrue(container.listeners(Role.INGEST).get(0).allowUnauthenticated());
    ConfigException bad = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("LASTMILE_INGEST_ALLOW_UNAUTHENTICATED", "yes")));
    assertTrue(bad.getMessage().contains("LASTMILE_INGEST_ALLOW_UNAUTHENTICATED"), bad.getMessage());
  }

  @Test
  void instanceVariablesSetTheNodeOptions() {
    GatewayConfig config = ConfigLoader.load(null, Map.of("LASTMILE_EDGE_INSTANCES", "3", "LASTMILE_INGEST_INSTANCES", "2"));
    assertEquals(3, config.edgeInstances());
    assertEquals(2, config.ingestInstances());
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("LASTMILE_INGEST_INSTANCES", "0")));
    assertTrue(e.getMessage().contains("node.ingest_instances") && e.getMessage().contains("LASTMILE_INGEST_INSTANCES"),
        e.getMessage());
  }

  // ---- which file ----

  @Test
  void configArgumentWinsOverTheEnvironmentAndTheDefaultFile() {
    assertEquals(Path.of("from-arg.yaml"),
        ConfigLoader.choose("from-arg.yaml", Map.of("LASTMILE_CONFIG", "from-env.yaml")));
  }

  @Test
  void environmentWinsOverTheDefaultFile() {
    assertEquals(Path.of("from-env.yaml"), ConfigLoader.choose(null, Map.of("LASTMILE_CONFIG", "from-env.yaml")));
  }

  @Test
  void defaultFileIsUsedWhenItExists() {
    // Maven runs tests in the project directory, which ships conf/last-mile.yaml
    assertTrue(Files.exists(ConfigLoader.DEFAULT_FILE));
    assertEquals(ConfigLoader.DEFAULT_FILE, ConfigLoader.choose(null, Map.of()));
    assertEquals(Path.of("conf", "last-mile.yaml"), ConfigLoader.DEFAULT_FILE);
  }

  // ---- the shipped file ----

  @Test
  void shippedConfigurationEqualsTheBuiltInDefaults() {
    GatewayConfig shipped = ConfigLoader.load(Path.of("conf/last-mile.yaml"), Map.of());
    GatewayConfig builtIn = ConfigParser.parse(new JsonObject());
    assertEquals(builtIn.listeners(), shipped.listeners());
    for (int i = 0; i < builtIn.listeners().size(); i++) {
      assertEquals(builtIn.listeners().get(i).limits(), shipped.listeners().get(i).limits(),
          "limits of " + builtIn.listeners().get(i).name());
    }
    assertEquals(builtIn, shipped);
  }

  @Test
  void aFileOfCommentsOnlyMeansEveryDefault() throws Exception {
    Path file = write("empty.yaml", "# nothing set yet\n\n   # still nothing\n");
    assertEquals(ConfigParser.parse(new io.vertx.core.json.JsonObject()), ConfigLoader.load(file, Map.of()));
  }

  // ---- LASTMILE_PROTOBUF_DESCRIPTOR_SETS: added to the file's sets ----

  private static final String TEST_TYPES = "target/test-descriptors/test-types.desc";
  private static final String DEMO_TYPES = "target/demo/indicator.desc";

  @Test
  void descriptorSetsVariableAddsToTheFilesSets() throws Exception {
    Path file = write("proto.yaml", "protobuf:\n  descriptor_sets: [" + TEST_TYPES + "]\n");
    GatewayConfig config = ConfigLoader.load(file, Map.of("LASTMILE_PROTOBUF_DESCRIPTOR_SETS", " " + DEMO_TYPES + " "));
    assertEquals(List.of(TEST_TYPES, DEMO_TYPES), config.protobuf().descriptorSets());
    assertTrue(config.protobuf().files().stream().anyMatch(f -> f.getPackage().equals("lastmile.demo")));

    GatewayConfig withoutSection = ConfigLoader.load(null, Map.of("LASTMILE_PROTOBUF_DESCRIPTOR_SETS", DEMO_TYPES));
    assertEquals(List.of(DEMO_TYPES), withoutSection.protobuf().descriptorSets());
  }

  @Test
  void aMissingSetFromTheVariableNamesTheVariableAndOneFromTheFileDoesNot() throws Exception {
    ConfigException fromVariable = assertThrows(ConfigException.class, () -> ConfigLoader.load(
        write("proto.yaml", "protobuf:\n  descriptor_sets: [" + TEST_TYPES + "]\n"),
        Map.of("LASTMILE_PROTOBUF_DESCRIPTOR_SETS", "target/nowhere.desc")));
    assertTrue(fromVariable.getMessage().contains("protobuf.descriptor_sets[1]")
        && fromVariable.getMessage().contains("LASTMILE_PROTOBUF_DESCRIPTOR_SETS"), fromVariable.getMessage());

    ConfigException fromFile = assertThrows(ConfigException.class, () -> ConfigLoader.load(
        write("bad.yaml", "protobuf:\n  descriptor_sets: [target/nowhere.desc]\n"),
        Map.of("LASTMILE_PROTOBUF_DESCRIPTOR_SETS", DEMO_TYPES)));
    assertTrue(fromFile.getMessage().contains("protobuf.descriptor_sets[0]")
        && !fromFile.getMessage().contains("LASTMILE_PROTOBUF_DESCRIPTOR_SETS"), fromFile.getMessage());
  }

  @Test
  void anEmptyDescriptorSetsVariableChangesNothing() {
    assertEquals(ConfigParser.parse(new JsonObject()),
        ConfigLoader.load(null, Map.of("LASTMILE_PROTOBUF_DESCRIPTOR_SETS", "")));
  }

  @Test
  void aListenerVariableWithoutAListenerOfThatRoleIsRefused() throws Exception {
    Path file = write("ingest-only.yaml", "node: {roles: [ingest]}\nlisteners:\n  - {name: p, role: ingest, port: 9}\n");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(file, Map.of("LASTMILE_EDGE_PORT", "9090")));
    assertTrue(e.getMessage().contains("LASTMILE_EDGE_HOST/PORT"), e.getMessage());
  }
}
