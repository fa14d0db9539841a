package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.RawHttp;
import stream.terminal.lastmile.support.TestGateway;

/**
 * The demo page on an edge listener with {@code demo_page: true}: its four files with their types, 404 with the
 * JSON error body for anything else under /demo/ (climbing out included), the listener's origin check, and
 * nothing at all when the option is off.
 */
class DemoPageTest {
  private static final String SITE = "https://app.example.com";
  private static final TestGateway gateway = new TestGateway();
  private static final TestGateway without = new TestGateway();

  @BeforeAll
  static void start() throws Exception {
    gateway.listenerConfig("public").put("demo_page", true).put("allowed_origins", new JsonArray().add(SITE));
    gateway.start();
    without.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    without.close();
  }

  @ParameterizedTest
  @CsvSource({
      "/demo/, text/html; charset=utf-8, <canvas id=\"chart\"",
      "/demo/demo.js, text/javascript; charset=utf-8, import('/client.js')",
      "/demo/chart.js, text/javascript; charset=utf-8, export class LiveChart",
      "/demo/demo.css, text/css; charset=utf-8, canvas {",
      "/demo/demo.js?v=2, text/javascript; charset=utf-8, import('/client.js')"})
  void servesEachFileWithItsType(String path, String type, String excerpt) throws Exception {
    Http.Reply reply = Http.get(gateway.edgePort(), path);
    assertEquals(200, reply.status(), reply.body());
    assertEquals(type, reply.headers().firstValue("Content-Type").orElse(""));
    assertEquals("nosniff", reply.headers().firstValue("X-Content-Type-Options").orElse(""));
    assertTrue(reply.body().contains(excerpt), reply.body());
  }

  @Test
  void thePageMayLoadOnlyItsOwnOrigin() throws Exception {
    String policy = Http.get(gateway.edgePort(), "/demo/").headers().firstValue("Content-Security-Policy").orElse("");
    assertTrue(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'")
        && policy.contains("frame-ancestors 'none'"), policy);
  }

  @Test
  void withoutTheSlashRedirectsToThePage() throws Exception {
    Http.Reply reply = Http.get(gateway.edgePort(), "/demo");
    assertEquals(302, reply.status());
    assertEquals("/demo/", reply.headers().firstValue("Location").orElse(""));
  }

  @Test
  void anUnchangedFileIsNotSentAgain() throws Exception {
    String etag = Http.get(gateway.edgePort(), "/demo/chart.js").headers().firstValue("ETag").orElseThrow();
    Http.Reply again = Http.send("GET", gateway.edgePort(), "/demo/chart.js", null, "If-None-Match", etag);
    assertEquals(304, again.status());
    assertEquals("", again.body());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/demo/missing.js", "/demo/index.html/", "/demo/chart.js/", "/demo/stream/",
      "/demo/DEMO.JS", "/demo/.git/config"})
  void anythingElseUnderDemoIs404WithTheErrorBody(String path) throws Exception {
    Http.Reply reply = Http.get(gateway.edgePort(), path);
    assertEquals(404, reply.status(), path);
    assertEquals("bad_request", reply.errorCode());
    assertTrue(reply.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
  }

  /** Sent on a bare socket: an HTTP library would resolve the dot segments itself before sending. */
  @ParameterizedTest
  @ValueSource(strings = {"/demo/../../../../etc/passwd", "/demo/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/demo/..%2f..%2f..%2fetc%2fpasswd", "/demo/%2e%2e%2f%2e%2e%2fpom.xml", "/demo/..\\..\\pom.xml",
      "/demo/%2e%2e/stream/terminal/lastmile/edge/DemoPage.class", "/demo/%252e%252e/%252e%252e/etc/passwd"})
  void pathTraversalIsRefused(String path) throws Exception {
    try (RawHttp client = new RawHttp(gateway.edgePort())) {
      RawHttp.Response response = client.get(path);
      assertTrue(response.status() == 404 || response.status() == 400, path + ": " + response.statusLine());
      assertFalse(response.body().contains("root:") || response.body().contains("<project"), response.body());
      assertTrue(response.body().contains("\"error\""), path + ": " + response.body());
    }
  }

  @Test
  void onlyGetAndHeadAreAnswered() throws Exception {
    Http.Reply post = Http.send("POST", gateway.edgePort(), "/demo/", "{}");
    assertEquals(405, post.status());
    assertEquals("bad_request", post.errorCode());
    assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
    Http.Reply head = Http.send("HEAD", gateway.edgePort(), "/demo/demo.js", null);
    assertEquals(200, head.status());
    assertEquals("", head.body());
  }

  @Test
  void theListenersOriginCheckApplies() throws Exception {
    Http.Reply allowed = Http.send("GET", gateway.edgePort(), "/demo/demo.js", null, "Origin", SITE);
    assertEquals(200, allowed.status());
    assertEquals(SITE, allowed.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
    Http.Reply other = Http.send("GET", gateway.edgePort(), "/demo/demo.js", null, "Origin", "https://evil.example");
    assertEquals(403, other.status());
    assertEquals("permission_denied", other.errorCode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/demo/", "/demo", "/demo/demo.js", "/demo/chart.js"})
  void offByDefaultOnADeclaredListener(String path) throws Exception {
    Http.Reply reply = Http.get(without.edgePort(), path);
    assertEquals(404, reply.status(), path);
    assertEquals("bad_request", reply.errorCode());
  }
}
