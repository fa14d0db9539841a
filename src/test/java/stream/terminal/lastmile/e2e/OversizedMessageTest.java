package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.RawWebSocket;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/** A message over max_frame_bytes, however large and however sent, gets the notice and a 1009 close frame. */
class OversizedMessageTest {
  private final TestGateway gateway = new TestGateway();

  @AfterEach
  void tearDown() throws Exception {
    gateway.close();
  }

  private static void assertNoticeAndClose(RawWebSocket client) throws Exception {
    RawWebSocket.Frame frame = client.read();
    JsonObject notice = new JsonObject(frame.text());
    assertEquals("disconnect", notice.getString("type"), frame.text());
    assertEquals(1009, notice.getInteger("code"));
    assertEquals(false, notice.getBoolean("reconnect"));
    RawWebSocket.Frame close = client.read();
    assertEquals(0x8, close.opcode());
    assertEquals(1009, close.closeCode());
  }

  @Test
  void aFourMebibyteFrameGetsTheNoticeAndA1009CloseFrame() throws Exception {
    gateway.start();
    try (RawWebSocket client = new RawWebSocket(gateway.edgePort()); WsClient other = gateway.edge()) {
      client.sendText("{\"op\":\"ping\",\"pad\":\"" + "y".repeat(4 * 1024 * 1024) + "\"}");
      assertNoticeAndClose(client);
      // the closing handshake ends normally: our close answered, the server ends the TCP stream (no reset)
      client.sendClose(1009);
      assertTrue(client.endOfStream());
      assertResult(other.request("ping", null));
    }
  }

  @Test
  void everySizeFromJustOverTheLimitOnGetsIt() throws Exception {
    gateway.limits("public").put("max_frame_bytes", 1024);
    gateway.start();
    for (int size : new int[] {1025 - 20, 70_000, 1 << 20}) {
      try (RawWebSocket client = new RawWebSocket(gateway.edgePort())) {
        client.sendText("{\"op\":\"ping\",\"pad\":\"" + "y".repeat(size) + "\"}");
        assertNoticeAndClose(client);
      }
    }
  }
}
