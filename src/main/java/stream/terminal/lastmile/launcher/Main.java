package stream.terminal.lastmile.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import stream.terminal.lastmile.cluster.DeserializationFilter;
import stream.terminal.lastmile.config.ConfigException;
import stream.terminal.lastmile.config.ConfigLoader;
import stream.terminal.lastmile.config.GatewayConfig;
import stream.terminal.lastmile.node.Node;

/**
 * {@code java -jar last-mile.jar [--config FILE] [--cluster] [--roles ingest,edge]}: loads the configuration, starts the node, and stops it
 * gracefully on SIGTERM/SIGINT. Exit codes: 2 for a bad configuration, 1 when the node cannot start.
 * {@code keygen}, {@code publisher-token} and {@code sign} are subcommands for publishers' keys ({@link #command});
 * {@code publish}, {@code subscribe}, {@code channels} and {@code history} are the client's ({@link ClientCommands}).
 */
public final class Main {
  private static final String USAGE = "last-mile [--config FILE] [--cluster] [--roles ingest,edge]";

  private Main() {}

  private static String value(String[] args, int i, String missing) {
    if (i >= args.length) {
      fail(2, missing);
    }
    return args[i];
  }

  /**
   * Runs a key subcommand ({@code keygen}, {@code publisher-token}, {@code sign}) in-process.
   *
   * @return the exit code: 0 done, 1 failed (a key file exists or cannot be read), 2 usage error
   */
  public static int command(String[] args, PrintStream out, PrintStream err) {
    return KeyCommands.run(args, out, err);
  }

  public static void main(String[] args) {
    if (args.length > 0 && ClientCommands.NAMES.contains(args[0])) {
      int status = ClientCommands.run(args,
          new ClientCommands.Io(System.in, System.out, System.err, System.getenv(), System.console() != null));
      System.out.flush();
      System.exit(status);
    }
    if (args.length > 0 && KeyCommands.NAMES.contains(args[0])) {
      int status = command(args, System.out, System.err);
      System.out.flush();
      System.exit(status);
    }
    Logging.configure();
    // before anything can read from a cluster peer: it allows only the classes nodes exchange
    if (!DeserializationFilter.install()) {
      log().log(System.Logger.Level.INFO, "keeping the JVM's own deserialization filter (jdk.serialFilter)");
    }
    String configArg = null;
    // the flags are shorthands for their environment variables, and win over them
    Map<String, String> env = new HashMap<>(System.getenv());
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> configArg = value(args, ++i, "--config needs a file path");
        case "--cluster" -> env.put("LASTMILE_CLUSTER", "true");
        case "--roles" -> env.put("LASTMILE_ROLES", value(args, ++i, "--roles needs a list such as ingest,edge"));
        case "--help", "-h" -> {
          System.out.println(USAGE + "   (docs/configuration.md)\n" + KeyCommands.USAGE + "\n"
              + ClientCommands.USAGE + "\n(a command's --help lists its options)");
          return;
        }
        default -> fail(2, "unknown argument '" + args[i] + "' (usage: " + USAGE + ")");
      }
    }

    Path file = ConfigLoader.choose(configArg, env);
    GatewayConfig config;
    try {
      config = ConfigLoader.load(file, env);
    } catch (ConfigException e) {
      fail(2, e.getMessage());
      return;
    }

    Node node;
    try {
      node = Node.start(config).await(120, TimeUnit.SECONDS);
    } catch (ConfigException e) {
      fail(2, e.getMessage()); // what only the start can check (cluster host, Hazelcast file)
      return;
    } catch (Exception e) {
      fail(1, "cannot start: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(node), "last-mile-shutdown"));
    log().log(System.Logger.Level.INFO, "last-mile ready ({0}); listeners: {1}",
        file == null ? "built-in defaults" : file,
        config.openedListeners().stream()
            .map(l -> l.name() + " " + l.role().wire() + " " + l.host() + ":" + node.port(l.name()))
            .collect(Collectors.joining(", ")));
  }

  private static void stop(Node node) {
    log().log(System.Logger.Level.INFO, "stopping: not ready, disconnecting clients");
    try {
      node.stop().await(node.config().drainDelayMs() + node.config().shutdownGraceMs() + 10_000L,
          TimeUnit.MILLISECONDS);
      log().log(System.Logger.Level.INFO, "stopped");
    } catch (Exception e) {
      log().log(System.Logger.Level.WARNING, "shutdown did not finish cleanly: " + e);
    } finally {
      Logging.shutdown();
    }
  }

  /** Looked up after {@link Logging#configure()} has chosen the log manager. */
  private static System.Logger log() {
    return System.getLogger(Main.class.getName());
  }

  private static void fail(int status, String message) {
    System.err.println("last-mile: " + message);
    System.exit(status);
  }
}
