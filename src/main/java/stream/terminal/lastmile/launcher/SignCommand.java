package stream.terminal.lastmile.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import stream.terminal.lastmile.core.ChannelNames;
import stream.terminal.lastmile.identity.Jcs;
import stream.terminal.lastmile.identity.MessageSignatures;

/** {@code sign}: the three {@code Last-Mile-*} headers of a signed HTTP publish (docs/protocol.md). */
final class SignCommand {
  static final String USAGE = "sign --private-key FILE --id ID --channel C --data JSON [--ts MS]";

  private SignCommand() {}

  static void run(List<String> list, PrintStream out) throws IOException {
    CommandArgs args = new CommandArgs(list, Set.of("--private-key", "--id", "--channel", "--data", "--ts"));
    Path file = Path.of(args.required("--private-key"));
    String id = KeygenCommand.id(args);
    String channel = args.required("--channel");
    if (!ChannelNames.isValid(channel)) {
      throw new CommandArgs.UsageException("--channel: '" + channel + "' is not a channel name");
    }
    String data = args.required("--data");
    try {
      Jcs.canonicalizeExact(data);
    } catch (IllegalArgumentException e) {
      throw new CommandArgs.UsageException("--data: " + e.getMessage());
    }
    long ts = args.number("--ts", System.currentTimeMillis(), 0, Long.MAX_VALUE / 2);
    String sig = MessageSignatures.sign(KeyFiles.read(file), channel, data, ts);
    out.println("Last-Mile-Timestamp: " + ts);
    out.println("Last-Mile-Key-Id: " + id);
    out.println("Last-Mile-Signature: " + sig);
  }
}
