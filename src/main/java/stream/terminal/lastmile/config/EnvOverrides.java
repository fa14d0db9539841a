package stream.terminal.lastmile.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Environment variables for the options operators change most (containers, scripts). Each one replaces a value
 * of the file before validation, so a bad value is reported like a bad file entry, naming the variable.
 */
final class EnvOverrides {
  private EnvOverrides() {}

  /** Applies the overrides; returns option path → variable name for every override applied. */
  static Map<String, String> apply(JsonObject config, Map<String, String> env) {
    Map<String, String> applied = new LinkedHashMap<>();
    String roles = env.get("LASTMILE_ROLES");
    if (roles != null) {
      JsonArray list = new JsonArray();
      for (String role : roles.split(",")) {
        list.add(role.trim());
      }
      node(config).put("roles", list);
      applied.put("node.roles", "LASTMILE_ROLES");
    }
    integer(env, "LASTMILE_EDGE_INSTANCES", node(config), "edge_instances", "node.edge_instances", applied);
    integer(env, "LASTMILE_INGEST_INSTANCES", node(config), "ingest_instances", "node.ingest_instances", applied);
    warmup(config, env, applied);
    listener(config, env, Role.EDGE, applied);
    listener(config, env, Role.INGEST, applied);
    cluster(config, env, applied);
    descriptorSets(config, env, applied);
    return applied;
  }

  /**
   * LASTMILE_PROTOBUF_DESCRIPTOR_SETS adds descriptor sets to those of the file instead of replacing them: a
   * launcher (scripts/run for the demo's type) can give a node a set that only its checkout has, without a
   * configuration file naming a path that a node started elsewhere (a container) would not find.
   */
  private static void descriptorSets(JsonObject config, Map<String, String> env, Map<String, String> applied) {
    String variable = "LASTMILE_PROTOBUF_DESCRIPTOR_SETS";
    String sets = env.get(variable);
    if (sets == null || sets.isBlank()) {
      return;
    }
    if (config.getValue("protobuf") != null && !(config.getValue("protobuf") instanceof JsonObject)) {
      return; // not a mapping: the parser reports it
    }
    JsonObject protobuf = config.getJsonObject("protobuf");
    if (protobuf == null) {
      protobuf = new JsonObject();
      config.put("protobuf", protobuf);
    }
    Object listed = protobuf.getValue("descriptor_sets");
    if (listed != null && !(listed instanceof JsonArray)) {
      return; // not a list: the parser reports it
    }
    JsonArray list = listed == null ? new JsonArray() : (JsonArray) listed;
    protobuf.put("descriptor_sets", list);
    for (String set : sets.split(",")) {
      // each added entry by its own index, so a problem with one of the file's sets is not blamed on the variable
      applied.put("protobuf.descriptor_sets[" + list.size() + "]", variable);
      list.add(set.trim());
    }
  }

  /** LASTMILE_CLUSTER* set the cluster section: what a container's environment usually decides. */
  private static void cluster(JsonObject config, Map<String, String> env, Map<String, String> applied) {
    if (config.getValue("cluster") != null && !(config.getValue("cluster") instanceof JsonObject)) {
      return; // not a mapping: the parser reports it
    }
    JsonObject cluster = config.getJsonObject("cluster");
    if (cluster == null) {
      if (env.keySet().stream().noneMatch(k -> k.startsWith("LASTMILE_CLUSTER"))) {
        return;
      }
      cluster = new JsonObject();
      config.put("cluster", cluster);
    }
    String enabled = env.get("LASTMILE_CLUSTER");
    if (enabled != null) {
      if (!enabled.equals("true") && !enabled.equals("false")) {
        throw ConfigException.at("cluster.enabled", "expected true or false, got '" + enabled + "' (from LASTMILE_CLUSTER)");
      }
      cluster.put("enabled", Boolean.parseBoolean(enabled));
      applied.put("cluster.enabled", "LASTMILE_CLUSTER");
    }
    string(env, "LASTMILE_CLUSTER_NAME", cluster, "name", "cluster.name", applied);
    string(env, "LASTMILE_CLUSTER_HOST", cluster, "host", "cluster.host", applied);
    string(env, "LASTMILE_CLUSTER_PUBLIC_HOST", cluster, "public_host", "cluster.public_host", applied);
    integer(env, "LASTMILE_CLUSTER_PORT", cluster, "port", "cluster.port", applied);
    integer(env, "LASTMILE_CLUSTER_EVENT_BUS_PORT", cluster, "event_bus_port", "cluster.event_bus_port", applied);
    integer(env, "LASTMILE_CLUSTER_MIN_MEMBERS", cluster, "min_members", "cluster.min_members", applied);
    String members = env.get("LASTMILE_CLUSTER_MEMBERS");
    if (members != null) {
      JsonArray list = new JsonArray();
      for (String member : members.split(",")) {
        list.add(member.trim());
      }
      cluster.put("members", list);
      applied.put("cluster.members", "LASTMILE_CLUSTER_MEMBERS");
    }
  }

  private static void string(
      Map<String, String> env, String variable, JsonObject target, String key, String path, Map<String, String> applied) {
    String value = env.get(variable);
    if (value != null) {
      target.put(key, value);
      applied.put(path, variable);
    }
  }

  /**
   * LASTMILE_EDGE_HOST/PORT and LASTMILE_INGEST_HOST/PORT set the first listener of that role, and
   * LASTMILE_INGEST_ALLOW_UNAUTHENTICATED its allow_unauthenticated (a container binds 0.0.0.0).
   */
  private static void listener(JsonObject config, Map<String, String> env, Role role, Map<String, String> applied) {
    String prefix = "LASTMILE_" + role.name() + "_";
    String allowVariable = prefix + "ALLOW_UNAUTHENTICATED";
    String allow = role == Role.INGEST ? env.get(allowVariable) : null;
    if (!env.containsKey(prefix + "HOST") && !env.containsKey(prefix + "PORT") && allow == null) {
      return;
    }
    JsonArray listeners = config.getJsonArray("listeners");
    if (listeners == null) {
      listeners = new JsonArray()
          .add(new JsonObject().put("name", "public").put("role", "edge").put("host", "0.0.0.0").put("port", 8080))
          .add(new JsonObject().put("name", "private").put("role", "ingest").put("host", "127.0.0.1").put("port", 8081)
              .put("grpc", true));
      config.put("listeners", listeners);
    }
    for (int i = 0; i < listeners.size(); i++) {
      JsonObject l = listeners.getValue(i) instanceof JsonObject o ? o : new JsonObject();
      if (role.wire().equalsIgnoreCase(String.valueOf(l.getValue("role")))) {
        String path = "listeners[" + i + "].";
        if (env.containsKey(prefix + "HOST")) {
          l.put("host", env.get(prefix + "HOST"));
          applied.put(path + "host", prefix + "HOST");
        }
        integer(env, prefix + "PORT", l, "port", path + "port", applied);
        if (allow != null) {
          if (!allow.equals("true") && !allow.equals("false")) {
            throw ConfigException.at(path + "allow_unauthenticated",
                "expected true or false, got '" + allow + "' (from " + allowVariable + ")");
          }
          l.put("allow_unauthenticated", Boolean.parseBoolean(allow));
          applied.put(path + "allow_unauthenticated", allowVariable);
        }
        return;
      }
    }
    throw ConfigException.at("listeners", prefix + "HOST/PORT is set but no listener has role " + role.wire());
  }

  private static void integer(
      Map<String, String> env, String variable, JsonObject target, String key, String path, Map<String, String> applied) {
    String value = env.get(variable);
    if (value == null) {
      return;
    }
    try {
      target.put(key, Integer.parseInt(value.trim()));
    } catch (NumberFormatException e) {
      throw ConfigException.at(path, "expected an integer, got '" + value + "' (from " + variable + ")");
    }
    applied.put(path, variable);
  }

  /** LASTMILE_WARMUP=false turns the self warm-up off (tests, benchmarks of other things); true turns it on. */
  private static void warmup(JsonObject config, Map<String, String> env, Map<String, String> applied) {
    String enabled = env.get("LASTMILE_WARMUP");
    if (enabled == null) {
      return;
    }
    if (!enabled.equals("true") && !enabled.equals("false")) {
      throw ConfigException.at("node.warmup.enabled", "expected true or false, got '" + enabled + "' (from LASTMILE_WARMUP)");
    }
    Object warmup = node(config).getValue("warmup");
    if (warmup != null && !(warmup instanceof JsonObject)) {
      return; // not a mapping: the parser reports it
    }
    if (warmup == null) {
      warmup = new JsonObject();
      node(config).put("warmup", warmup);
    }
    ((JsonObject) warmup).put("enabled", Boolean.parseBoolean(enabled));
    applied.put("node.warmup.enabled", "LASTMILE_WARMUP");
  }

  private static JsonObject node(JsonObject config) {
    JsonObject node = config.getJsonObject("node");
    if (node == null) {
      node = new JsonObject();
      config.put("node", node);
    }
    return node;
  }
}
