package stream.terminal.lastmile.support;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real HTTP client (the JDK's) for the ingest API; replies are parsed as JSON when they are JSON. */
public final class Http {
  /**
   * HTTP/1.1 only: the JDK's client otherwise offers {@code Upgrade: h2c}, which a listener with gRPC accepts, and
   * then keeps that HTTP/2 connection pooled by host and port, across the test nodes that reuse a port.
   */
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  public record Reply(int status, String body, HttpHeaders headers) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public String errorCode() {
      return json().getJsonObject("error").getString("code");
    }
  }

  private Http() {}

  /** @param headers name, value, ...; a Content-Type given here replaces the default application/json */
  public static Reply send(String method, int port, String path, String body, String... headers) throws Exception {
    return sendBody(method, port, path,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body), headers);
  }

  /** A POST of bytes (a Protobuf body); give its Content-Type in {@code headers}. */
  public static Reply postBytes(int port, String path, byte[] body, String... headers) throws Exception {
    return sendBody("POST", port, path, HttpRequest.BodyPublishers.ofByteArray(body), headers);
  }

  private static Reply sendBody(String method, int port, String path, HttpRequest.BodyPublisher body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, body);
    boolean typed = false;
    for (int i = 0; i < headers.length; i += 2) {
      typed |= headers[i].equalsIgnoreCase("Content-Type");
    }
    if (!typed) {
      request.header("Content-Type", "application/json");
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body(), response.headers());
  }

  public static Reply get(int port, String path) throws Exception {
    return send("GET", port, path, null);
  }

  public static Reply put(int port, String path) throws Exception {
    return send("PUT", port, path, null);
  }

  public static Reply post(int port, String path, String body) throws Exception {
    return send("POST", port, path, body);
  }
}
