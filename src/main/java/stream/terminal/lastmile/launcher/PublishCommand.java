package stream.terminal.lastmile.launcher;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import stream.terminal.lastmile.sdk.ClientOptions;
import stream.terminal.lastmile.sdk.LastMileClient;
import stream.terminal.lastmile.sdk.LastMileException;
import stream.terminal.lastmile.sdk.PublishStream;
import stream.terminal.lastmile.sdk.Stored;

/**
 * {@code publish}: one message ({@code --data}), or NDJSON from a file or stdin ({@code --file F|-}) streamed over
 * gRPC PublishStream, with a progress bar on a terminal and a summary line.
 */
final class PublishCommand {
  static final String USAGE = "publish (--channel C --data JSON [--idempotency-key K] | [--channel C] --file F|-) [--http] "
      + Connection.USAGE;
  static final String HELP = """
      Publishes one message, or a file of them:
        --channel C --data JSON   one message; prints where it was stored: {"channel","epoch","offset"}, with
                                  "duplicate":true when an earlier publish with its key stored it
        --idempotency-key K       the message's idempotency key (default: a random one): publish it again with K
                                  within the channel's window and it is stored once
        --file F|-                NDJSON from file F or stdin, one message per line: the data when --channel is
                                  given, else {"channel": "c", "data": ...}. Streamed over gRPC PublishStream,
                                  acknowledged in order; a refused line is reported on stderr ("line 7:
                                  permission_denied: ...") and the rest go on. A progress bar on a terminal, then a
                                  summary: "N messages in S s (R/s): A acknowledged, F refused". Exit 1 when any
                                  line was refused. Every message is sent with an idempotency key, and sent again
                                  with it (at most 3 times) when its outcome is unknown, so it is stored once.
        --http                    over the HTTP API instead of gRPC (--file: one request at a time)""";

  private PublishCommand() {}

  static ClientCommands.Command parse(List<String> list, Map<String, String> env) throws IOException {
    CommandArgs args = new CommandArgs(list, Connection.with("--channel", "--data", "--file", "--idempotency-key"),
        Connection.flags("--http"));
    boolean http = args.flag("--http");
    if (args.has("--data") == args.has("--file")) {
      throw new CommandArgs.UsageException("give --data or --file");
    }
    ClientOptions options = Connection.options(args, env);
    if (args.has("--data")) {
      String channel = args.required("--channel");
      String data = args.required("--data");
      String key = args.optional("--idempotency-key", UUID.randomUUID().toString());
      return (vertx, io) -> {
        LastMileClient client = LastMileClient.create(vertx, options);
        // retried with the key after an unknown outcome: wait for every attempt
        long patience = (options.requestTimeoutMs() + options.retryMaxMs()) * (options.publishRetries() + 1) + 1000;
        Stored stored = Connection.await(http ? client.publishHttp(channel, data, key)
            : client.publish(channel, data, key), patience);
        io.out().println(MessageLines.of(stored));
        return 0;
      };
    }
    String channel = args.optional("--channel", null);
    String file = args.required("--file");
    return (vertx, io) -> publishFile(vertx, io, options, channel, file, http);
  }

  private static int publishFile(Vertx vertx, ClientCommands.Io io, ClientOptions options,
      String channel, String file, boolean http) throws Exception {
    boolean stdin = file.equals("-");
    long size = stdin ? -1 : Files.size(Path.of(file));
    AtomicLong read = new AtomicLong();
    InputStream raw = stdin ? io.in() : Files.newInputStream(Path.of(file));
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(counting(raw, read, !stdin),
        StandardCharsets.UTF_8))) {
      LastMileClient client = LastMileClient.create(vertx, options);
      Progress progress = new Progress(io.err(), io.tty(), size, read::get);
      NdjsonPublish publish;
      PublishStream stream = null;
      if (http) {
        publish = new NdjsonPublish(vertx, client::publishHttp, 0, Promise.<Void>promise().future(), 1,
            progress, io.err());
      } else {
        stream = client.openStream();
        publish = new NdjsonPublish(vertx, stream::send, options.publishRetries(), stream.ended(),
            options.streamWindow(), progress, io.err());
      }
      publish.run(reader, channel);
      LastMileException failure = publish.streamFailure();
      if (stream != null && failure == null) {
        try {
          Connection.await(stream.close(), options.requestTimeoutMs());
        } catch (LastMileException e) {
          failure = e;
        }
      }
      io.out().println(progress.finish());
      if (failure != null) {
        io.err().println("last-mile publish: the stream ended: " + failure.code() + ": " + failure.getMessage());
        return 1;
      }
      return progress.refusals() == 0 ? 0 : 1;
    }
  }

  /** Counts the bytes read, for the progress bar's share of the file. */
  private static InputStream counting(InputStream in, AtomicLong count, boolean closeIt) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          count.incrementAndGet();
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
          count.addAndGet(n);
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        if (closeIt) { // never the process's stdin
          super.close();
        }
      }
    };
  }
}
