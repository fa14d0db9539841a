package stream.terminal.lastmile.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code DemoPublisher CHANNEL [http-base] [interval-ms] [count]} (defaults {@code http://127.0.0.1:8081}, 1000,
 * 0 = forever; the base may be left out before the numbers, as in {@code DemoPublisher demo 200 5}): creates the channel through the HTTP ingest API, then publishes {@code {"n":N,"ts":MILLIS}} to it
 * every interval, printing each reply.
 */
public final class DemoPublisher {
  private static final String DEFAULT_BASE = "http://127.0.0.1:8081";

  // HTTP/1.1: the JDK client would otherwise offer every plain-HTTP request an h2c upgrade
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final URI channelUri;
  private final URI messagesUri;

  private DemoPublisher(String base, String channel) {
    String root = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.channelUri = URI.create(root + "/channels/" + channel);
    this.messagesUri = URI.create(root + "/channels/" + channel + "/messages");
  }

  public static void main(String[] args) throws InterruptedException {
    // the base is told apart from the numbers by its scheme, so "CHANNEL 200 5" works without one
    boolean hasBase = args.length > 1 && args[1].contains("://");
    int numbers = hasBase ? 2 : 1;
    if (args.length < 1 || args.length > numbers + 2) {
      System.err.println(
          "usage: DemoPublisher CHANNEL [http-base] [interval-ms] [count]   (defaults " + DEFAULT_BASE
              + ", 1000, 0 = forever)");
      System.exit(2);
    }
    DemoPublisher publisher = new DemoPublisher(hasBase ? args[1] : DEFAULT_BASE, args[0]);
    long intervalMs = args.length > numbers ? Long.parseLong(args[numbers]) : 1000;
    long count = args.length > numbers + 1 ? Long.parseLong(args[numbers + 1]) : 0;

    if (!publisher.create()) {
      System.exit(1);
    }
    for (long n = 1; count == 0 || n <= count; n++) {
      publisher.publish(n);
      if (n != count) {
        Thread.sleep(intervalMs);
      }
    }
  }

  /** PUTs the channel; 409 means it already exists, which is just as good. False when neither happened. */
  private boolean create() throws InterruptedException {
    HttpResponse<String> reply = send(HttpRequest.newBuilder(channelUri).PUT(HttpRequest.BodyPublishers.noBody()));
    return reply != null && (reply.statusCode() == 201 || reply.statusCode() == 409);
  }

  /**
   * POSTs message {@code n}. A failure is printed and the next message tried all the same, so the demo keeps
   * going across a gateway restart; the restarted gateway has forgotten the channel (404), so it is created again.
   */
  private void publish(long n) throws InterruptedException {
    String data = "{\"n\":" + n + ",\"ts\":" + System.currentTimeMillis() + "}";
    HttpResponse<String> reply = send(HttpRequest.newBuilder(messagesUri)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(data)));
    if (reply != null && reply.statusCode() == 404) {
      create();
    }
  }

  /** Sends a request and prints the reply's status and body; null when the gateway could not be reached. */
  private HttpResponse<String> send(HttpRequest.Builder request) throws InterruptedException {
    HttpRequest built = request.timeout(Duration.ofSeconds(10)).build();
    try {
      HttpResponse<String> reply = http.send(built, HttpResponse.BodyHandlers.ofString());
      System.out.println(built.method() + " " + built.uri().getPath() + " -> " + reply.statusCode() + " " + reply.body());
      return reply;
    } catch (IOException e) {
      System.err.println(built.method() + " " + built.uri() + " failed: " + e);
      return null;
    }
  }
}
