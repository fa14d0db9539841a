package stream.terminal.lastmile.sockjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import stream.terminal.lastmile.support.NodePackage;
import stream.terminal.lastmile.support.TestGateway;

/**
 * {@code @vertx/eventbus-bridge-client.js} 1.0.0 over {@code sockjs-client} 1.6.1, unchanged, under Node against a
 * real node, forced onto one SockJS transport at a time ({@code src/test/js/eventbus/bridge-client.cjs}): resume
 * and live messages as {@code rec} frames, send and publish refused, internal addresses refused, a lost resume
 * reported.
 */
class EventBusNodeTest {
  private TestGateway gateway;

  @BeforeEach
  void start() throws Exception {
    gateway = new TestGateway();
    gateway.config().put("channels", new JsonObject().put("declare", new JsonArray().add("prices")));
    gateway.start();
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "xhr-streaming", "xhr-polling"})
  void bridgeClientWorksUnchanged(String transport) throws Exception {
    NodePackage.Result run = NodePackage.installed("eventbus").node(60, "bridge-client.cjs",
        "http://127.0.0.1:" + gateway.edgePort(), "http://127.0.0.1:" + gateway.ingestPort(), "prices", transport);
    assertEquals(0, run.exit(), run.output());
    assertTrue(run.output().contains("\"transport\":\"" + transport + "\""), run.output());
  }
}
