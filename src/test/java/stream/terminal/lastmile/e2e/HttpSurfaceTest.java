package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import stream.terminal.lastmile.net.HttpSurface;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.RawHttp;
import stream.terminal.lastmile.support.TestGateway;

/** What HTTP every listener speaks: HTTP/1.1 only, with bounded request lines and headers. */
class HttpSurfaceTest {
  private static final TestGateway gateway = new TestGateway();

  @BeforeAll
  static void start() throws Exception {
    gateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static int port(String listener) {
    return gateway.node().port(listener);
  }

  @ParameterizedTest
  @ValueSource(strings = {"public", "private"})
  void h2cPriorKnowledgeIsNotServedAsHttp2(String listener) throws Exception {
    try (RawHttp client = new RawHttp(port(listener))) {
      // the HTTP/2 connection preface, then an empty SETTINGS frame
      client.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
      client.send(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
      // an HTTP/2 server answers with its own SETTINGS frame (binary); the HTTP/1.1 server refuses the preface's
      // request line in text (echoing its version): a version it does not serve
      String answer = new String(client.first(28), StandardCharsets.ISO_8859_1);
      assertEquals("HTTP/2.0 501 Not Implemented", answer);
      client.awaitClosedBy(Duration.ofSeconds(5));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"public", "private"})
  void h2cUpgradeIsIgnored(String listener) throws Exception {
    try (RawHttp client = new RawHttp(port(listener))) {
      client.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
          + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
      RawHttp.Response response = client.response();
      assertTrue(response.statusLine().startsWith("HTTP/1.1 "), response.statusLine());
      assertTrue(response.status() != 101, response.statusLine());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"public", "private"})
  void oversizedRequestLineGets414(String listener) throws Exception {
    String path = "/ws?x=" + "a".repeat(HttpSurface.MAX_REQUEST_LINE);
    try (RawHttp client = new RawHttp(port(listener))) {
      client.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertEquals(414, client.response().status());
      client.awaitClosedBy(Duration.ofSeconds(5));
    }
    assertEquals(200, Http.get(gateway.ingestPort(), "/health").status(), "the node carries on");
  }

  @ParameterizedTest
  @ValueSource(strings = {"public", "private"})
  void oversizedHeadersGet431(String listener) throws Exception {
    try (RawHttp client = new RawHttp(port(listener))) {
      client.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(HttpSurface.MAX_HEADERS) + "\r\n\r\n");
      assertEquals(431, client.response().status());
      client.awaitClosedBy(Duration.ofSeconds(5));
    }
    assertEquals(200, Http.get(gateway.ingestPort(), "/health").status(), "the node carries on");
  }
}
