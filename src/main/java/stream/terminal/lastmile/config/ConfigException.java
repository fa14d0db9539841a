package stream.terminal.lastmile.config;

/** A configuration that cannot start a node; the message names the option and what is wrong with it. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }

  public static ConfigException at(String option, String problem) {
    return new ConfigException("invalid configuration: " + option + ": " + problem);
  }
}
