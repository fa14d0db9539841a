package stream.terminal.lastmile.launcher;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import stream.terminal.lastmile.sdk.ClientOptions;
import stream.terminal.lastmile.sdk.History;
import stream.terminal.lastmile.sdk.LastMileClient;
import stream.terminal.lastmile.sdk.Received;

/** {@code history}: a channel's stored messages, one JSON line each (gRPC History, or the HTTP API). */
final class HistoryCommand {
  static final String USAGE = "history --channel C [--after N] [--limit N] [--all] [--http] " + Connection.USAGE;
  static final String HELP = """
      Prints a channel's stored messages after offset --after (default 0: from the oldest), oldest first, one JSON
      line each ({"channel","epoch","offset","data",["kid","sig",]"ts"}).
        --limit N   at most N per page (default: the node's channels.history_max_page)
        --all       read page after page up to the channel's last offset (else one page)
        --http      over the HTTP API instead of gRPC""";

  private HistoryCommand() {}

  static ClientCommands.Command parse(List<String> list, Map<String, String> env) throws java.io.IOException {
    CommandArgs args = new CommandArgs(list, Connection.with("--channel", "--after", "--limit"),
        Connection.flags("--all", "--http"));
    String channel = args.required("--channel");
    long after = args.number("--after", 0, 0, Long.MAX_VALUE - 1);
    int limit = (int) args.number("--limit", 0, 1, 1_000_000);
    boolean all = args.flag("--all");
    boolean http = args.flag("--http");
    ClientOptions options = Connection.options(args, env);
    return (vertx, io) -> {
      LastMileClient client = LastMileClient.create(vertx, options);
      long position = after;
      while (true) {
        Future<History> call = http ? client.historyHttp(channel, position, limit)
            : client.history(channel, position, limit);
        History page = Connection.await(call, options.requestTimeoutMs() + 1000);
        for (Received message : page.messages()) {
          io.out().println(MessageLines.of(message));
        }
        if (!all || page.messages().isEmpty()) {
          return 0;
        }
        position = page.messages().get(page.messages().size() - 1).offset();
        if (position >= page.offset()) {
          return 0;
        }
      }
    };
  }
}
