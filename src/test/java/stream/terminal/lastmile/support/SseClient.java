package stream.terminal.lastmile.support;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Server-Sent Events client: the JDK's HttpClient reading the stream line by line on a thread of its own
 * and parsing it as the EventSource specification does (fields, comments, blank-line dispatch). Events wait in a
 * queue; {@link #next()} waits for one with a timeout.
 */
public final class SseClient implements AutoCloseable {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private static final long WAIT_SECONDS = 10;

  /**
   * One dispatched event, a comment line ({@code comment} set), or a {@code retry} field; {@code name} is null
   * for the default ({@code message}) event.
   */
  public record Event(String name, String id, String data, String comment, Long retry) {
    public JsonObject json() {
      return new JsonObject(data);
    }

    public boolean isMessage() {
      return name == null && data != null;
    }
  }

  /** The end of the stream, put on the queue once it closes. */
  private static final Event END = new Event("(end)", null, null, null, null);

  private final HttpResponse<Stream<String>> response;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Thread reader;

  private SseClient(HttpResponse<Stream<String>> response) {
    this.response = response;
    this.reader = new Thread(this::read, "sse-client");
    reader.setDaemon(true);
    reader.start();
  }

  /** @param headers name, value, ... */
  public static SseClient open(int port, String pathAndQuery, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .header("Accept", "text/event-stream").GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return new SseClient(CLIENT.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
        .get(WAIT_SECONDS, TimeUnit.SECONDS));
  }

  public int status() {
    return response.statusCode();
  }

  public Optional<String> header(String name) {
    return response.headers().firstValue(name);
  }

  /** The whole body of a refusal (it ends), as JSON. */
  public JsonObject errorBody() throws Exception {
    StringBuilder body = new StringBuilder();
    for (Event e = next(); e != END; e = next()) {
      body.append(e.data());
    }
    return new JsonObject(body.toString());
  }

  private void read() {
    String name = null;
    String id = null;
    StringBuilder data = null;
    Long retry = null;
    try (Stream<String> lines = response.body()) {
      if (response.statusCode() != 200) {
        // not a stream: each line of the body as data, for errorBody()
        lines.forEach(l -> events.add(new Event(null, null, l, null, null)));
        return;
      }
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (line.isEmpty()) {
          if (data != null || retry != null) {
            events.add(new Event(name, id, data == null ? null : data.toString(), null, retry));
          }
          name = null;
          id = null;
          data = null;
          retry = null;
        } else if (line.startsWith(":")) {
          events.add(new Event(null, null, null, line.substring(1).trim(), null));
        } else {
          int colon = line.indexOf(':');
          String field = colon < 0 ? line : line.substring(0, colon);
          String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
          switch (field) {
            case "event" -> name = value;
            case "id" -> id = value;
            case "retry" -> retry = Long.parseLong(value);
            case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            default -> {
              // ignored, as EventSource does
            }
          }
        }
      }
    } catch (RuntimeException closed) {
      // the stream was cut (close(), or the server ended the connection)
    } finally {
      events.add(END);
    }
  }

  /** The next event or comment; fails after a timeout, or at the end of the stream. */
  public Event next() throws InterruptedException {
    Event e = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (e == null) {
      throw new AssertionError("no event within " + WAIT_SECONDS + " s");
    }
    return e;
  }

  /** The next event that is not a comment; fails at the end of the stream. */
  public Event nextEvent() throws InterruptedException {
    for (Event e = next(); ; e = next()) {
      if (e == END) {
        throw new AssertionError("the stream ended");
      }
      if (e.comment() == null) {
        return e;
      }
    }
  }

  /** The events (comments left out) that come before the end of the stream, which must come within the timeout. */
  public List<Event> rest() throws InterruptedException {
    List<Event> rest = new ArrayList<>();
    for (Event e = next(); e != END; e = next()) {
      if (e.comment() == null) {
        rest.add(e);
      }
    }
    return rest;
  }

  /** Whether the stream ends within the timeout, skipping what comes before its end. */
  public boolean ends() throws InterruptedException {
    for (Event e = next(); ; e = next()) {
      if (e == END) {
        return true;
      }
    }
  }

  @Override
  public void close() throws Exception {
    reader.interrupt();
    response.body().close();
  }
}
