package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.TestGateway;

/** A listener with tokens guards its HTTP API with them too; probes stay open. */
class HttpAuthTest {
  private static final String TOKEN = "ingest-token-1";
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway();
    gateway.listenerConfig("private").put("auth_tokens", new JsonArray().add(TOKEN));
    gateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void channelRoutesNeedABearerToken() throws Exception {
    int port = gateway.ingestPort();
    Http.Reply none = Http.put(port, "/channels/auth.c");
    assertEquals(401, none.status());
    assertEquals("unauthenticated", none.errorCode());
    assertEquals(401, Http.send("PUT", port, "/channels/auth.c", null, "Authorization", "Bearer wrong-token").status());
    assertEquals(401, Http.send("GET", port, "/channels", null, "Authorization", TOKEN).status());
    assertEquals(201, Http.send("PUT", port, "/channels/auth.c", null, "Authorization", "Bearer " + TOKEN).status());
    assertEquals(200, Http.send("POST", port, "/channels/auth.c/messages", "1", "Authorization", "bearer " + TOKEN)
        .status());
    assertEquals(200, Http.send("GET", port, "/channels", null, "Authorization", "Bearer " + TOKEN).status());
  }

  @Test
  void probesStayOpen() throws Exception {
    assertEquals(200, Http.get(gateway.ingestPort(), "/health").status());
    assertEquals(200, Http.get(gateway.ingestPort(), "/ready").status());
    assertEquals(200, Http.get(gateway.ingestPort(), "/metrics").status());
  }
}
