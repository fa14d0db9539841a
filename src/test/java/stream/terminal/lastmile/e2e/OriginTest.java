package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * allowed_origins on real listeners: WebSocket handshakes from other origins get 403, HTTP surfaces answer CORS
 * for allowed origins only and refuse the others, and clients that send no Origin are not affected.
 */
class OriginTest {
  private static final String APP = "https://app.example.com";
  private static final String CONSOLE = "https://console.example.com";
  private static final String EVIL = "https://evil.example.net";
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway();
    gateway.listenerConfig("public").put("allowed_origins", new JsonArray().add(APP));
    JsonArray listeners = gateway.config().getJsonArray("listeners");
    listeners.add(listener("open", "edge"));
    listeners.add(listener("console", "ingest").put("allowed_origins", new JsonArray().add(CONSOLE)));
    listeners.add(listener("ops", "ops"));
    gateway.start();
  }

  private static JsonObject listener(String name, String role) {
    return new JsonObject().put("name", name).put("role", role).put("host", "127.0.0.1").put("port", 0);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static int port(String listener) {
    return gateway.node().port(listener);
  }

  private static WsClient connect(String listener, String origin) throws Exception {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setPort(port(listener)).setURI("/");
    if (origin != null) {
      options.addHeader("Origin", origin);
    } else {
      options.setAllowOriginHeader(false);
    }
    return WsClient.connect(gateway.clients(), new WebSocketClientOptions(), options);
  }

  private static void assertRefused(String listener, String origin) {
    Exception e = assertThrows(Exception.class, () -> connect(listener, origin).close());
    UpgradeRejectedException rejected = assertInstanceOf(UpgradeRejectedException.class, e, e.toString());
    assertEquals(403, rejected.getStatus());
  }

  private static void assertServed(String listener, String origin) throws Exception {
    try (WsClient client = connect(listener, origin)) {
      assertEquals("reply", client.request("ping", null).getString("type"));
    }
  }

  @Test
  void webSocketsFromAListedOriginOrWithoutOneAreServed() throws Exception {
    assertServed("public", APP);
    assertServed("public", "HTTPS://APP.EXAMPLE.COM");
    assertServed("public", null);
  }

  @Test
  void webSocketsFromAnotherOriginGet403() {
    assertRefused("public", EVIL);
    assertRefused("public", "http://app.example.com");
    assertRefused("public", "null");
  }

  @Test
  void edgeListenersAdmitEveryOriginByDefault() throws Exception {
    assertServed("open", EVIL);
  }

  @Test
  void ingestListenersRefuseBrowsersByDefault() throws Exception {
    assertRefused("private", APP);
    assertServed("private", null);
    Http.Reply refused = Http.send("PUT", port("private"), "/channels/origin.ingest", null, "Origin", APP);
    assertEquals(403, refused.status());
    assertEquals("permission_denied", refused.errorCode());
    assertNull(refused.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    assertEquals(404, Http.get(port("private"), "/channels/origin.ingest/messages").status(), "not created");
    assertEquals(403, Http.send("GET", port("ops"), "/metrics", null, "Origin", APP).status());
    assertEquals(200, Http.get(port("ops"), "/health").status());
  }

  @Test
  void sockJsAnswersListedOriginsOnly() throws Exception {
    int edge = port("public");
    Http.Reply refused = Http.send("GET", edge, "/eventbus/info", null, "Origin", EVIL);
    assertEquals(403, refused.status(), refused.body());
    assertEquals("permission_denied", refused.errorCode());
    Http.Reply polled = Http.send("POST", edge, "/eventbus/000/evil/xhr", null, "Origin", EVIL);
    assertEquals(403, polled.status(), polled.body());
    Http.Reply allowed = Http.send("GET", edge, "/eventbus/info", null, "Origin", APP);
    assertEquals(200, allowed.status(), allowed.body());
    assertEquals(APP, allowed.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
  }

  @Test
  void httpSurfacesAnswerCorsForListedOriginsOnly() throws Exception {
    int console = port("console");
    Http.Reply allowed = Http.send("GET", console, "/channels", null, "Origin", CONSOLE);
    assertEquals(200, allowed.status());
    assertEquals(CONSOLE, allowed.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    assertTrue(allowed.headers().allValues("Vary").contains("Origin"), allowed.headers().toString());
    assertFalse(allowed.headers().firstValue("Access-Control-Allow-Credentials").isPresent());

    Http.Reply preflight = Http.send("OPTIONS", console, "/channels/c/messages", null, "Origin", CONSOLE,
        "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type,authorization");
    assertEquals(204, preflight.status());
    assertEquals(CONSOLE, preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    assertTrue(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"));
    String allowedHeaders = preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("");
    assertTrue(allowedHeaders.contains("Content-Type") && allowedHeaders.contains("Authorization"), allowedHeaders);

    Http.Reply foreign = Http.send("OPTIONS", console, "/channels/c/messages", null, "Origin", EVIL,
        "Access-Control-Request-Method", "POST");
    assertEquals(403, foreign.status());
    assertNull(foreign.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    assertEquals(403, Http.send("POST", console, "/channels/c/messages", "1", "Origin", EVIL).status());
  }
}
