package stream.terminal.lastmile.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads the YAML file with vertx-config, applies environment overrides, validates. The file is the one named
 * by {@code --config}, else by {@code LASTMILE_CONFIG}, else {@code conf/last-mile.yaml} when it exists; with
 * none the built-in defaults apply.
 */
public final class ConfigLoader {
  public static final Path DEFAULT_FILE = Path.of("conf", "last-mile.yaml");

  private ConfigLoader() {}

  public static GatewayConfig load(Path file, Map<String, String> env) {
    JsonObject json = file == null ? new JsonObject() : read(file);
    Map<String, String> overridden = EnvOverrides.apply(json, env);
    try {
      return ConfigParser.parse(json);
    } catch (ConfigException e) {
      for (Map.Entry<String, String> o : overridden.entrySet()) {
        // the option itself, or an element of it (node.roles[0] when LASTMILE_ROLES has an empty entry)
        if (e.getMessage().contains(": " + o.getKey() + ":") || e.getMessage().contains(": " + o.getKey() + "[")) {
          throw new ConfigException(e.getMessage() + " (set by environment variable " + o.getValue() + ")");
        }
      }
      throw e;
    }
  }

  /** The file a node started with these arguments and environment reads, or null for built-in defaults. */
  public static Path choose(String argument, Map<String, String> env) {
    if (argument != null) {
      return Path.of(argument);
    }
    if (env.get("LASTMILE_CONFIG") != null) {
      return Path.of(env.get("LASTMILE_CONFIG"));
    }
    return Files.exists(DEFAULT_FILE) ? DEFAULT_FILE : null;
  }

  private static JsonObject read(Path file) {
    if (!Files.isReadable(file) || Files.isDirectory(file)) {
      throw new ConfigException("cannot read configuration file " + file.toAbsolutePath() + ": no such readable file");
    }
    try {
      if (Files.readAllLines(file).stream().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
        return new JsonObject(); // a file of comments only: every option at its default
      }
    } catch (java.io.IOException e) {
      throw new ConfigException("cannot read configuration file " + file.toAbsolutePath() + ": " + e.getMessage());
    }
    Vertx vertx = Vertx.vertx();
    try {
      ConfigStoreOptions yaml =
          new ConfigStoreOptions()
              .setType("file")
              .setFormat("yaml")
              .setConfig(new JsonObject().put("path", file.toAbsolutePath().toString()));
      ConfigRetriever retriever =
          ConfigRetriever.create(vertx, new ConfigRetrieverOptions().addStore(yaml).setIncludeDefaultStores(false));
      return retriever.getConfig().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new ConfigException("cannot parse configuration file " + file + ": " + cause.getMessage());
    } finally {
      vertx.close();
    }
  }
}
