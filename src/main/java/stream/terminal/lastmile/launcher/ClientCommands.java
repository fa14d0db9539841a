package stream.terminal.lastmile.launcher;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import stream.terminal.lastmile.sdk.LastMileException;

/**
 * The jar's client subcommands ({@code publish}, {@code subscribe}, {@code channels}, {@code history}), built on
 * the client library (docs/client-java.md, Command line). Exit codes: 0 ok, 1 failed or refused, 2 usage.
 */
final class ClientCommands {
  static final Set<String> NAMES = Set.of("publish", "subscribe", "channels", "history");
  static final String USAGE = "last-mile " + PublishCommand.USAGE + "\nlast-mile " + SubscribeCommand.USAGE
      + "\nlast-mile " + ChannelsCommand.USAGE + "\nlast-mile " + HistoryCommand.USAGE;

  /** What a command reads and writes: the process's streams and environment, or a test's. */
  record Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, boolean tty) {}

  /** One parsed command, ready to run with a Vert.x of its own. */
  interface Command {
    int run(Vertx vertx, Io io) throws Exception;
  }

  private ClientCommands() {}

  /** @param args the whole command line, its first element one of {@link #NAMES} */
  static int run(String[] args, Io io) {
    String name = args[0];
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (rest.contains("--help") || rest.contains("-h")) {
      io.out().println(help(name));
      return 0;
    }
    Vertx vertx = null;
    try {
      Command command = switch (name) {
        case "publish" -> PublishCommand.parse(rest, io.env());
        case "subscribe" -> SubscribeCommand.parse(rest, io.env());
        case "channels" -> ChannelsCommand.parse(rest, io.env());
        case "history" -> HistoryCommand.parse(rest, io.env());
        default -> throw new CommandArgs.UsageException("unknown command '" + name + "'");
      };
      vertx = Vertx.vertx();
      return command.run(vertx, io);
    } catch (CommandArgs.UsageException e) {
      io.err().println("last-mile " + name + ": " + e.getMessage() + "\nusage: last-mile " + usage(name)
          + "\n(last-mile " + name + " --help for the options)");
      return 2;
    } catch (LastMileException e) {
      io.err().println("last-mile " + name + ": " + e.code() + ": " + e.getMessage());
      return 1;
    } catch (NoSuchFileException e) {
      io.err().println("last-mile " + name + ": " + e.getFile() + ": no such file");
      return 1;
    } catch (IOException e) {
      io.err().println("last-mile " + name + ": " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (Exception e) {
      io.err().println("last-mile " + name + ": " + e);
      return 1;
    } finally {
      io.out().flush();
      if (vertx != null) {
        try {
          vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          io.err().println("last-mile " + name + ": closing took too long: " + e); // the result stands
        }
      }
    }
  }

  private static String usage(String name) {
    return switch (name) {
      case "publish" -> PublishCommand.USAGE;
      case "subscribe" -> SubscribeCommand.USAGE;
      case "channels" -> ChannelsCommand.USAGE;
      default -> HistoryCommand.USAGE;
    };
  }

  private static String help(String name) {
    String details = switch (name) {
      case "publish" -> PublishCommand.HELP;
      case "subscribe" -> SubscribeCommand.HELP;
      case "channels" -> ChannelsCommand.HELP;
      default -> HistoryCommand.HELP;
    };
    return "usage: last-mile " + usage(name) + "\n\n" + details + "\n\n" + Connection.HELP
        + "\n\nExit codes: 0 done, 1 failed or refused (the error code on stderr), 2 usage error."
        + " (docs/client-java.md)";
  }
}
