package stream.terminal.lastmile.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import stream.terminal.lastmile.core.ChannelNames;
import stream.terminal.lastmile.sdk.ClientOptions;
import stream.terminal.lastmile.sdk.Gap;
import stream.terminal.lastmile.sdk.LastMileClient;
import stream.terminal.lastmile.sdk.LastMileException;
import stream.terminal.lastmile.sdk.Subscription;
import stream.terminal.lastmile.sdk.SubscriptionListener;

/**
 * {@code subscribe}: prints each message of one or more channels as a JSON line, over WebSocket with reconnect and
 * resume; until interrupted, or {@code --count} messages.
 */
final class SubscribeCommand {
  static final String USAGE = "subscribe --channel C[,C2...] [--count N] " + Connection.USAGE;
  static final String HELP = """
      Subscribes over WebSocket to the edge listener and prints each message as one JSON line
      ({"channel","epoch","offset","data",["kid","sig",]"ts"}), until interrupted or --count N messages.
      Reconnects with a backoff and resumes from the last offset printed; lost messages (a resume that could not
      recover, a new epoch) are reported on stderr ("gap on c: ..."). A refused subscribe (channel_not_found,
      permission_denied, ...) or sign-on ends the command with exit code 1.""";

  private SubscribeCommand() {}

  static ClientCommands.Command parse(List<String> list, Map<String, String> env) throws java.io.IOException {
    CommandArgs args = new CommandArgs(list, Connection.with("--channel", "--count"), Connection.FLAGS);
    List<String> channels = new ArrayList<>();
    for (String channel : args.required("--channel").split(",")) {
      if (!ChannelNames.isValid(channel.trim())) {
        throw new CommandArgs.UsageException("--channel: '" + channel + "' is not a channel name");
      }
      channels.add(channel.trim());
    }
    long count = args.number("--count", Long.MAX_VALUE, 1, Long.MAX_VALUE);
    ClientOptions options = Connection.options(args, env);
    return (vertx, io) -> {
      LastMileClient client = LastMileClient.create(vertx, options);
      CompletableFuture<Integer> done = new CompletableFuture<>();
      AtomicLong printed = new AtomicLong();
      SubscriptionListener listener = new SubscriptionListener() {
        @Override
        public void onGap(Gap gap) {
          io.err().println("gap on " + gap.channel() + ": " + (gap.epochChanged()
              ? "new epoch " + gap.epoch() + " (was " + gap.lastEpoch() + "), from offset " + gap.resumesAt()
              : "offsets " + (gap.lastOffset() + 1) + " to " + (gap.resumesAt() - 1) + " are lost"));
        }

        @Override
        public void onError(LastMileException error) {
          if (LastMileException.UNAVAILABLE.equals(error.code())) {
            io.err().println("last-mile subscribe: " + error.getMessage() + "; reconnecting");
          } else {
            io.err().println("last-mile subscribe: " + error.code() + ": " + error.getMessage());
            done.complete(1);
          }
        }
      };
      for (String channel : channels) {
        Subscription subscription = client.subscribe(channel, message -> {
          if (printed.get() < count) {
            io.out().println(MessageLines.of(message));
            io.out().flush();
            if (printed.incrementAndGet() == count) {
              done.complete(0);
            }
          }
        }, listener);
        subscription.ended().onFailure(e -> {
          if (!done.isDone()) { // not the close below, after the last message
            io.err().println("last-mile subscribe: " + e.getMessage());
            done.complete(1);
          }
        });
      }
      int status = done.get();
      client.close().await(10, java.util.concurrent.TimeUnit.SECONDS);
      return status;
    };
  }
}
