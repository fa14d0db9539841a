package stream.terminal.lastmile.bench.chaos;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One publisher on one node's ingest API: {@code POST /channels/{c}/messages}, one message at a time, each with an
 * {@code Idempotency-Key} and a payload {@code {"pub": id, "seq": n}} that names it. A message whose outcome is
 * unknown (503 with {@code "stored":"unknown"}, a connection error, a timeout) is sent again with the same key
 * until it is acknowledged or definitely refused; any other error is a refusal, and the publisher moves on.
 */
final class Publisher implements Runnable {
  /** The pace: about 40 messages a second, as in issue 20's measurement. */
  private static final long INTERVAL_MS = 25;
  private static final long RETRY_MS = 250;

  private final String id;
  private final URI uri;
  private final Ledger ledger;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final CountDownLatch stopNew = new CountDownLatch(1);
  private volatile long giveUpAt = Long.MAX_VALUE;
  private final Thread thread;

  Publisher(String id, int ingestPort, String channel, Ledger ledger) {
    this.id = id;
    this.uri = URI.create("http://127.0.0.1:" + ingestPort + "/channels/" + channel + "/messages");
    this.ledger = ledger;
    this.thread = new Thread(this, "chaos-publisher-" + id);
  }

  void start() {
    thread.start();
  }

  /** No new message after this; one in doubt is retried until {@code settle} has passed, then left unsettled. */
  void stop(Duration settle) {
    giveUpAt = System.nanoTime() + settle.toNanos();
    stopNew.countDown();
  }

  void await() throws InterruptedException {
    thread.join();
  }

  @Override
  public void run() {
    try {
      for (long seq = 1; stopNew.getCount() > 0; seq++) {
        publish(id + "-" + seq, new JsonObject().put("pub", id).put("seq", seq).encode());
        // the pace between messages; stopping ends it at once
        stopNew.await(INTERVAL_MS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void publish(String key, String body) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
        .header("Content-Type", "application/json").header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    while (true) {
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonObject reply = json(response.body());
        if (response.statusCode() == 200 && reply.containsKey("offset")) {
          ledger.acked(key, reply.getString("epoch"), reply.getLong("offset"), reply.getBoolean("duplicate", false));
          return;
        }
        JsonObject error = reply.getJsonObject("error", new JsonObject());
        if (!(response.statusCode() == 503 && "unknown".equals(error.getString("stored")))) {
          ledger.refused(key, response.statusCode() + " " + error.getString("code", response.body()));
          return;
        }
      } catch (IOException unreachableOrTimedOut) {
        // the request may or may not have been stored: the outcome is unknown
      }
      ledger.unknown(key);
      if (System.nanoTime() - giveUpAt > 0) {
        ledger.unsettled(key);
        return;
      }
      Thread.sleep(RETRY_MS); // a retry's back-off, the one pause a publisher takes
    }
  }

  private static JsonObject json(String body) {
    try {
      return new JsonObject(body);
    } catch (DecodeException | ClassCastException notJson) {
      return new JsonObject();
    }
  }
}
