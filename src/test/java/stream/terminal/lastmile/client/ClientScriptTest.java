package stream.terminal.lastmile.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.json.JsonArray;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.NodeTools;
import stream.terminal.lastmile.support.TestGateway;

/** Edge listeners serve the browser client at /client.js: the package's file, as a module, under the origin rules. */
class ClientScriptTest {
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway();
    gateway.listenerConfig("public").put("allowed_origins", new JsonArray().add("https://app.example.com"));
    gateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void servesThePackagesClientJsAsACacheableModule() throws Exception {
    Http.Reply reply = Http.get(gateway.edgePort(), "/client.js");
    assertEquals(200, reply.status());
    assertEquals(Files.readString(NodeTools.CLIENT_DIR.resolve("client.js")), reply.body());
    assertEquals("text/javascript; charset=utf-8", reply.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("public, max-age=300", reply.headers().firstValue("Cache-Control").orElseThrow());
    String etag = reply.headers().firstValue("ETag").orElseThrow();

    Http.Reply again = Http.send("GET", gateway.edgePort(), "/client.js", null, "If-None-Match", etag);
    assertEquals(304, again.status());
    assertEquals("", again.body());
  }

  @Test
  void appliesTheListenersAllowedOrigins() throws Exception {
    Http.Reply admitted = Http.send("GET", gateway.edgePort(), "/client.js", null, "Origin", "https://app.example.com");
    assertEquals(200, admitted.status());
    assertEquals("https://app.example.com", admitted.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());

    Http.Reply refused = Http.send("GET", gateway.edgePort(), "/client.js", null, "Origin", "https://evil.example");
    assertEquals(403, refused.status());
    assertEquals("permission_denied", refused.errorCode());
    assertFalse(refused.headers().firstValue("Access-Control-Allow-Origin").isPresent());
  }

  @Test
  void otherMethodsAndPathsGetJsonErrors() throws Exception {
    Http.Reply post = Http.post(gateway.edgePort(), "/client.js", "{}");
    assertEquals(405, post.status());
    assertEquals("bad_request", post.errorCode());
    Http.Reply other = Http.get(gateway.edgePort(), "/other.js");
    assertEquals(404, other.status());
    assertEquals("bad_request", other.errorCode());
  }
}
