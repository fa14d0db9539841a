package stream.terminal.lastmile.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** The jar's key subcommands ({@code keygen}, {@code publisher-token}, {@code sign}): exit 0 ok, 1 failed, 2 usage. */
final class KeyCommands {
  static final Set<String> NAMES = Set.of("keygen", "publisher-token", "sign");
  static final String USAGE = "last-mile " + KeygenCommand.USAGE.replace("\n", "\nlast-mile ") + "\nlast-mile "
      + PublisherTokenCommand.USAGE + "\nlast-mile " + SignCommand.USAGE;

  private KeyCommands() {}

  /** @param args the whole command line, its first element one of {@link #NAMES} */
  static int run(String[] args, PrintStream out, PrintStream err) {
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (rest.contains("--help") || rest.contains("-h")) {
      out.println(USAGE + "\n(docs/configuration.md, Keys)");
      return 0;
    }
    try {
      switch (args[0]) {
        case "keygen" -> KeygenCommand.run(rest, out);
        case "publisher-token" -> PublisherTokenCommand.run(rest, out);
        case "sign" -> SignCommand.run(rest, out);
        default -> throw new CommandArgs.UsageException("unknown command '" + args[0] + "'");
      }
      return 0;
    } catch (CommandArgs.UsageException e) {
      err.println("last-mile " + args[0] + ": " + e.getMessage() + "\nusage:\n" + USAGE);
      return 2;
    } catch (FileAlreadyExistsException e) {
      err.println("last-mile " + args[0] + ": " + e.getFile() + " exists; a key file is never overwritten");
      return 1;
    } catch (NoSuchFileException e) {
      err.println("last-mile " + args[0] + ": " + e.getFile() + ": no such file or directory");
      return 1;
    } catch (AccessDeniedException e) {
      err.println("last-mile " + args[0] + ": " + e.getFile() + ": permission denied");
      return 1;
    } catch (IOException e) {
      err.println("last-mile " + args[0] + ": " + e);
      return 1;
    } catch (IllegalArgumentException e) {
      err.println("last-mile " + args[0] + ": " + e.getMessage());
      return 1;
    }
  }
}
