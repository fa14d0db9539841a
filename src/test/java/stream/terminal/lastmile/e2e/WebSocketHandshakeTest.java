package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.RawHttp;
import stream.terminal.lastmile.support.RawWebSocket;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * The RFC 6455 handshake and framing the edge runs itself: refusals as JSON with their status, the accept key,
 * the client's masking rule, fragments, pings and the close handshake from the client's side.
 */
class WebSocketHandshakeTest {
  private final TestGateway gateway = new TestGateway();

  @BeforeEach
  void start() throws Exception {
    gateway.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    gateway.close();
  }

  private RawHttp.Response upgrade(String headers) throws Exception {
    try (RawHttp http = new RawHttp(gateway.edgePort())) {
      return http.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + headers
          + "\r\n").response();
    }
  }

  private static void assertBadRequest(RawHttp.Response response, String mentions) {
    JsonObject error = new JsonObject(response.body()).getJsonObject("error");
    assertEquals("bad_request", error.getString("code"), response.body());
    assertTrue(error.getString("message").contains(mentions), response.body());
  }

  @Test
  void anotherProtocolVersionGets426NamingVersion13() throws Exception {
    RawHttp.Response response =
        upgrade("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n");
    assertEquals(426, response.status(), response.statusLine());
    assertBadRequest(response, "version 13");
  }

  @Test
  void aMissingOrMalformedKeyGets400() throws Exception {
    RawHttp.Response missing = upgrade("Sec-WebSocket-Version: 13\r\n");
    assertEquals(400, missing.status(), missing.statusLine());
    assertBadRequest(missing, "Sec-WebSocket-Key");
    RawHttp.Response shortKey = upgrade("Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n");
    assertEquals(400, shortKey.status(), shortKey.statusLine());
    assertBadRequest(shortKey, "Sec-WebSocket-Key");
  }

  @Test
  void theAcceptKeyIsTheRfcsAndNoSubProtocolIsInventedWhenNoneIsOffered() throws Exception {
    // RFC 6455 1.3's example
    try (RawWebSocket client = new RawWebSocket(gateway.edgePort(), "dGhlIHNhbXBsZSBub25jZQ==", "")) {
      assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", client.header("Sec-WebSocket-Accept"));
      assertEquals(null, client.header("Sec-WebSocket-Protocol"));
      client.sendText("{\"op\":\"ping\",\"id\":1}");
      assertEquals(1, new JsonObject(client.read().text()).getInteger("id"));
    }
  }

  @Test
  void anUnmaskedClientFrameClosesWith1002() throws Exception {
    try (RawWebSocket client = new RawWebSocket(gateway.edgePort()); WsClient other = gateway.edge()) {
      client.sendUnmaskedText("{\"op\":\"ping\"}");
      RawWebSocket.Frame close = client.read();
      assertEquals(0x8, close.opcode());
      assertEquals(1002, close.closeCode());
      assertTrue(client.endOfStream());
      assertResult(other.request("ping", null));
    }
  }

  @Test
  void aFragmentedMessageIsOneCommand() throws Exception {
    try (RawWebSocket client = new RawWebSocket(gateway.edgePort())) {
      client.sendFragmented("{\"op\":\"ping\",\"id\":\"fragments\"}", 4);
      JsonObject reply = new JsonObject(client.read().text());
      assertEquals("fragments", reply.getString("id"), reply.encode());
    }
  }

  @Test
  void aPingIsAnsweredWithItsPayload() throws Exception {
    try (RawWebSocket client = new RawWebSocket(gateway.edgePort())) {
      client.sendPings(1, "are you there".getBytes(StandardCharsets.UTF_8));
      RawWebSocket.Frame pong = client.read();
      assertEquals(0xA, pong.opcode());
      assertEquals("are you there", pong.text());
    }
  }

  @Test
  void aClientsCloseIsEchoedWithItsStatusThenTheServerEndsTheStream() throws Exception {
    try (RawWebSocket client = new RawWebSocket(gateway.edgePort())) {
      client.sendClose(1000);
      RawWebSocket.Frame close = client.read();
      assertEquals(0x8, close.opcode());
      assertEquals(1000, close.closeCode());
      assertTrue(client.endOfStream());
    }
    try (RawWebSocket client = new RawWebSocket(gateway.edgePort())) {
      client.sendClose(4321);
      assertEquals(4321, client.read().closeCode());
      assertTrue(client.endOfStream());
    }
  }
}
