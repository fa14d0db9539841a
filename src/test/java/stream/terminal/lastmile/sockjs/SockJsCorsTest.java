package stream.terminal.lastmile.sockjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import stream.terminal.lastmile.support.TestGateway;

/**
 * vertx-web's SockJS transports write CORS headers of their own (the request's Origin reflected, with
 * credentials allowed) and a {@code JSESSIONID=dummy} cookie. On every transport the answer must carry only the
 * listener's own CORS ({@code allowed_origins}): never {@code Access-Control-Allow-Credentials}, never a cookie.
 */
class SockJsCorsTest {
  private static final String APP = "https://app.example.com";
  private static final String FOREIGN = "https://evil.example";
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway();
    gateway.listenerConfig("public").put("allowed_origins", new JsonArray().add(APP));
    gateway.config().getJsonArray("listeners").add(new JsonObject().put("name", "open").put("role", "edge")
        .put("host", "127.0.0.1").put("port", 0));
    gateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  /** The status line and headers (names lower-case) of one answer; the body, streaming or not, is not read. */
  private record Head(int status, List<String[]> headers) {
    String first(String name) {
      return headers.stream().filter(h -> h[0].equals(name)).map(h -> h[1]).findFirst().orElse(null);
    }
  }

  @ParameterizedTest(name = "{0} from {1} on {2}")
  @CsvSource({
      "info, https://evil.example, open, *",
      "info, https://app.example.com, public, https://app.example.com",
      "xhr, https://evil.example, open, *",
      "xhr, https://app.example.com, public, https://app.example.com",
      "xhr_send, https://evil.example, open, *",
      "xhr_send, https://app.example.com, public, https://app.example.com",
      "xhr_streaming, https://evil.example, open, *",
      "xhr_streaming, https://app.example.com, public, https://app.example.com",
      "eventsource, https://evil.example, open, *",
      "eventsource, https://app.example.com, public, https://app.example.com",
      "preflight, https://evil.example, open, *",
      "preflight, https://app.example.com, public, https://app.example.com",
      "websocket, https://evil.example, open, *",
      "raw_websocket, https://app.example.com, public, https://app.example.com"})
  void everyTransportAnswersWithTheListenersCorsOnly(String transport, String origin, String listener,
      String allowOrigin) throws Exception {
    int port = gateway.node().port(listener);
    String session = "/eventbus/000/" + UUID.randomUUID().toString().substring(0, 8);
    Head head = switch (transport) {
      case "info" -> request(port, "GET /eventbus/info", origin, "");
      case "xhr" -> request(port, "POST " + session + "/xhr", origin, "");
      case "xhr_send" -> {
        assertEquals(200, request(port, "POST " + session + "/xhr", origin, "").status());
        yield request(port, "POST " + session + "/xhr_send", origin, "Content-Type: text/plain\r\n",
            "[\"{\\\"type\\\":\\\"ping\\\"}\"]");
      }
      case "xhr_streaming" -> request(port, "POST " + session + "/xhr_streaming", origin, "");
      case "eventsource" -> request(port, "GET " + session + "/eventsource", origin, "");
      case "preflight" -> request(port, "OPTIONS " + session + "/xhr", origin,
          "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n");
      case "websocket" -> request(port, "GET " + session + "/websocket", origin, upgrade());
      case "raw_websocket" -> request(port, "GET /eventbus/websocket", origin, upgrade());
      default -> throw new IllegalArgumentException(transport);
    };
    assertEquals(expectedStatus(transport), head.status(), head.headers().toString());
    assertNull(head.first("access-control-allow-credentials"), "credentials are never allowed");
    assertNull(head.first("set-cookie"), "no cookie");
    assertEquals(allowOrigin, head.first("access-control-allow-origin"));
    assertFalse(head.headers().stream().anyMatch(h -> h[1].contains(FOREIGN)), head.headers().toString());
  }

  private static int expectedStatus(String transport) {
    return switch (transport) {
      case "xhr_send", "preflight" -> 204;
      case "websocket", "raw_websocket" -> 101;
      default -> 200;
    };
  }

  private static String upgrade() {
    return "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  }

  private static Head request(int port, String requestLine, String origin, String headers) throws IOException {
    return request(port, requestLine, origin, headers, "");
  }

  /** One request on its own connection; reads the answer's head only (streaming transports never end). */
  private static Head request(int port, String requestLine, String origin, String headers, String body)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      byte[] content = body.getBytes(StandardCharsets.UTF_8);
      String head = requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: " + origin + "\r\n" + headers
          + (content.length > 0 || requestLine.startsWith("POST") ? "Content-Length: " + content.length + "\r\n" : "")
          + "\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(content);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      int status = Integer.parseInt(line(in).split(" ")[1]);
      List<String[]> fields = new ArrayList<>();
      for (String line = line(in); !line.isEmpty(); line = line(in)) {
        int colon = line.indexOf(':');
        fields.add(new String[] {line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim()});
      }
      return new Head(status, fields);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed after " + line);
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }
}
