package stream.terminal.lastmile.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import stream.terminal.lastmile.support.BrowserPage;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.TestGateway;

/** The edge's demo page in headless Chromium: it shows what the browser client receives, over either transport. */
class DemoPageBrowserTest {
  private static final String CHANNEL = "demo.indicator";

  private final TestGateway gateway = new TestGateway();

  @BeforeEach
  void start() throws Exception {
    gateway.listenerConfig("public").put("demo_page", true);
    gateway.config().put("channels", new JsonObject().put("declare", new JsonArray().add(CHANNEL)));
    gateway.start();
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void showsTheLiveMessagesAndTheTransport(boolean noWebSocket) throws Exception {
    try (BrowserPage page = BrowserPage.openDemo("http://127.0.0.1:" + gateway.edgePort(), CHANNEL, noWebSocket)) {
      page.await("s.state === 'open'");
      String epoch = null;
      for (int n = 1; n <= 5; n++) {
        Http.Reply reply = Http.post(gateway.ingestPort(), "/channels/" + CHANNEL + "/messages",
            "{\"price\":" + (100 + n) + ",\"sma\":100,\"rsi\":55}");
        assertEquals(200, reply.status(), reply.body());
        epoch = reply.json().getString("epoch");
      }
      JsonObject shown = page.await("s.offset === '5'");
      assertEquals(noWebSocket ? "sse" : "websocket", shown.getString("transport"));
      assertEquals(epoch, shown.getString("epoch"));
      assertEquals("5", shown.getString("messages"));
      assertEquals("0", shown.getString("gaps"));
    }
  }
}
