package stream.terminal.lastmile.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Typed, path-aware reads of one config object. Every error names the full option path; keys nobody read are
 * reported by {@link #rejectUnknown()}, so a typo stops startup instead of being silently ignored.
 */
final class ConfigReader {
  private final JsonObject json;
  private final String path;
  private final Set<String> read = new HashSet<>();

  ConfigReader(JsonObject json, String path) {
    this.json = json == null ? new JsonObject() : json;
    this.path = path;
  }

  String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  boolean has(String key) {
    read.add(key);
    return json.getValue(key) != null;
  }

  int integer(String key, int fallback, int min, int max) {
    return (int) longInteger(key, fallback, min, max);
  }

  long longInteger(String key, long fallback, long min, long max) {
    Object value = value(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Integer || value instanceof Long) ) {
      throw ConfigException.at(path(key), "expected an integer, got '" + value + "'");
    }
    long n = ((Number) value).longValue();
    if (n < min || n > max) {
      throw ConfigException.at(path(key), n + " is out of range [" + min + ", " + max + "]");
    }
    return n;
  }

  boolean bool(String key, boolean fallback) {
    Object value = value(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Boolean b)) {
      throw ConfigException.at(path(key), "expected true or false, got '" + value + "'");
    }
    return b;
  }

  String string(String key, String fallback) {
    Object value = value(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String s) || s.isBlank()) {
      throw ConfigException.at(path(key), "expected a non-empty string, got '" + value + "'");
    }
    return s;
  }

  List<String> strings(String key, List<String> fallback) {
    Object value = value(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof JsonArray array)) {
      throw ConfigException.at(path(key), "expected a list, got '" + value + "'");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String s) || s.isBlank()) {
        throw ConfigException.at(path(key) + "[" + i + "]", "expected a non-empty string");
      }
      out.add(s);
    }
    return out;
  }

  ConfigReader object(String key) {
    Object value = value(key);
    if (value != null && !(value instanceof JsonObject)) {
      throw ConfigException.at(path(key), "expected a mapping, got '" + value + "'");
    }
    return new ConfigReader((JsonObject) value, path(key));
  }

  /** The list of mappings under {@code key}, or null when the key is absent. */
  List<ConfigReader> objects(String key) {
    Object value = value(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array)) {
      throw ConfigException.at(path(key), "expected a list of mappings");
    }
    List<ConfigReader> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject o)) {
        throw ConfigException.at(path(key) + "[" + i + "]", "expected a mapping");
      }
      out.add(new ConfigReader(o, path(key) + "[" + i + "]"));
    }
    return out;
  }

  void rejectUnknown() {
    for (String key : json.fieldNames()) {
      if (!read.contains(key)) {
        throw ConfigException.at(path(key), "unknown option");
      }
    }
  }

  private Object value(String key) {
    read.add(key);
    return json.getValue(key);
  }
}
