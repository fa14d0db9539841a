package stream.terminal.lastmile.launcher;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A subcommand's {@code --name value} options and {@code --flag}s, each allowed once; anything else is a usage error. */
final class CommandArgs {
  /** A mistake in how a command was called: exit code 2 with the command's usage. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message, null, false, false);
    }
  }

  private final Map<String, String> values = new HashMap<>();

  CommandArgs(List<String> args, Set<String> known) {
    this(args, known, Set.of());
  }

  CommandArgs(List<String> args, Set<String> known, Set<String> flags) {
    for (int i = 0; i < args.size(); i++) {
      String name = args.get(i);
      if (flags.contains(name)) {
        if (values.put(name, "") != null) {
          throw new UsageException(name + " given twice");
        }
        continue;
      }
      if (!known.contains(name)) {
        throw new UsageException("unknown argument '" + name + "'");
      }
      if (i + 1 >= args.size()) {
        throw new UsageException(name + " needs a value");
      }
      if (values.put(name, args.get(++i)) != null) {
        throw new UsageException(name + " given twice");
      }
    }
  }

  String required(String name) {
    String value = values.get(name);
    if (value == null || value.isBlank()) {
      throw new UsageException(name + " is required");
    }
    return value;
  }

  boolean flag(String name) {
    return values.containsKey(name);
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  String optional(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  long number(String name, long fallback, long min, long max) {
    String text = values.get(name);
    if (text == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(text);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(name + " must be an integer from " + min + " to " + max);
  }
}
