package stream.terminal.lastmile.launcher;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.UUID;
import stream.terminal.lastmile.sdk.LastMileException;
import stream.terminal.lastmile.sdk.Stored;

/**
 * Publishes NDJSON, one message per line, keeping at most {@code window} publishes unacknowledged: the reader
 * waits for acks instead of buffering a large file in memory. With a channel, each line is the data; without,
 * each line is {@code {"channel": "c", "data": ...}}. Blank lines are skipped. Each line is sent with an
 * idempotency key of its own; a line whose outcome is unknown (an {@code unavailable} or timed-out ack) is sent
 * again with its key, up to {@code retries} times, so it is stored once.
 */
final class NdjsonPublish {
  /** Refusals printed one by one before the rest are only counted: a bad file must not flood the terminal. */
  private static final int SHOWN_REFUSALS = 20;

  /** One publish with its idempotency key. */
  @FunctionalInterface
  interface Sender {
    Future<Stored> send(String channel, String data, String key);
  }

  private final Vertx vertx;
  private final Sender sender;
  private final int retries;
  private final Semaphore window;
  private final int windowSize;
  private final Progress progress;
  private final PrintStream err;
  private volatile LastMileException streamFailure;
  /** A stream's failure fails every publish in flight with one exception: it is shown once. */
  private Throwable lastShown;

  /**
   * @param ended fails when the stream under {@code sender} ends on its own (its status)
   * @param retries how often a line with an unknown outcome is sent again (0 when {@code sender} retries itself)
   */
  NdjsonPublish(Vertx vertx, Sender sender, int retries, Future<Void> ended, int window, Progress progress,
      PrintStream err) {
    this.vertx = vertx;
    this.sender = sender;
    this.retries = retries;
    this.window = new Semaphore(window);
    this.windowSize = window;
    this.progress = progress;
    this.err = err;
    ended.onFailure(e -> streamFailure = e instanceof LastMileException lm ? lm
        : new LastMileException("internal", String.valueOf(e)));
  }

  /** Reads and publishes every line; returns once every publish has its answer, or the stream has failed. */
  void run(BufferedReader reader, String channel) throws IOException, InterruptedException {
    long lineNumber = 0;
    for (String line; (line = reader.readLine()) != null && streamFailure == null; ) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      String target = channel;
      String data = line;
      if (channel == null) {
        try {
          JsonObject message = new JsonObject(line);
          target = message.getString("channel");
          if (target == null || !message.containsKey("data")) {
            throw new IllegalArgumentException("a line is {\"channel\": ..., \"data\": ...} without --channel");
          }
          data = Json.encode(message.getValue("data"));
        } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
          progress.sent();
          refused(lineNumber, new LastMileException("bad_request", e instanceof IllegalArgumentException
              ? e.getMessage() : "not a JSON object with channel and data"));
          continue;
        }
      }
      while (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        progress.tick();
        if (streamFailure != null) {
          return;
        }
      }
      long n = lineNumber;
      progress.sent();
      send(n, target, data, UUID.randomUUID().toString(), 1);
      progress.tick();
    }
    while (!window.tryAcquire(windowSize, 100, TimeUnit.MILLISECONDS)) {
      progress.tick();
    }
    window.release(windowSize);
  }

  /** Sends one line; a retry waits 100 ms, doubled each time, and keeps the line's place in the window. */
  private void send(long line, String channel, String data, String key, int attempt) {
    sender.send(channel, data, key).onComplete(result -> {
      if (result.succeeded()) {
        progress.acknowledged();
      } else if (attempt <= retries && streamFailure == null
          && result.cause() instanceof LastMileException e && e.indeterminate()) {
        vertx.setTimer(100L << (attempt - 1), t -> send(line, channel, data, key, attempt + 1));
        return;
      } else {
        refused(line, result.cause());
      }
      window.release();
    });
  }

  private void refused(long line, Throwable cause) {
    progress.refused();
    synchronized (this) {
      if (cause == lastShown
          || cause instanceof LastMileException lm && LastMileException.CLOSED.equals(lm.code())) {
        return; // the stream's end, already shown, or a publish after it
      }
      long count = progress.refusals();
      if (count <= SHOWN_REFUSALS) {
        lastShown = cause;
        String what = cause instanceof LastMileException lm ? lm.code() + ": " + lm.getMessage() : cause.toString();
        err.println("line " + line + ": " + what);
      } else if (count == SHOWN_REFUSALS + 1) {
        err.println("(more refusals are counted, not shown)");
      }
    }
  }

  /** The stream's own failure (authentication, a broken connection), if it ended on its own. */
  LastMileException streamFailure() {
    return streamFailure;
  }
}
