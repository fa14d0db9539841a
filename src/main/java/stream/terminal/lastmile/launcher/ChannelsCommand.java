package stream.terminal.lastmile.launcher;

import java.util.List;
import java.util.Map;
import stream.terminal.lastmile.sdk.ChannelState;
import stream.terminal.lastmile.sdk.ClientOptions;
import stream.terminal.lastmile.sdk.LastMileClient;

/** {@code channels}: every channel with its epoch and last offset, one JSON line each (HTTP {@code GET /channels}). */
final class ChannelsCommand {
  static final String USAGE = "channels " + Connection.USAGE;
  static final String HELP = "Prints every channel of the node, sorted by name, one JSON line each:\n"
      + "  {\"channel\":\"demo\",\"epoch\":\"q8w2e7r1t5y0\",\"offset\":41}";

  private ChannelsCommand() {}

  static ClientCommands.Command parse(List<String> list, Map<String, String> env) throws java.io.IOException {
    ClientOptions options = Connection.options(new CommandArgs(list, Connection.OPTIONS, Connection.FLAGS), env);
    return (vertx, io) -> {
      LastMileClient client = LastMileClient.create(vertx, options);
      for (ChannelState channel : Connection.await(client.channels(), options.requestTimeoutMs() + 1000)) {
        io.out().println(MessageLines.of(channel));
      }
      return 0;
    };
  }
}
