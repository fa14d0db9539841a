package stream.terminal.lastmile.sockjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.RawWebSocket;
import stream.terminal.lastmile.support.SockJsPolling;
import stream.terminal.lastmile.support.TestGateway;

/** What SockJS requests carry: frames that must be UTF-8, and headers that must not crash the body handler. */
class BridgeRequestBodyTest {
  private final TestGateway gateway = new TestGateway();

  @AfterEach
  void tearDown() throws Exception {
    gateway.close();
  }

  @Test
  void anXhrSendThatIsNotUtf8IsBadRequest() throws Exception {
    gateway.start();
    SockJsPolling client = SockJsPolling.open(gateway.edgePort(), "/eventbus");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes("[\"{\\\"type\\\":\\\"register\\\",\\\"address\\\":\\\"a".getBytes(StandardCharsets.UTF_8));
    body.writeBytes(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}); // a lone surrogate
    body.writeBytes("\\\"}\"]".getBytes(StandardCharsets.UTF_8));
    Http.Reply reply = client.sendBytes(body.toByteArray());
    assertEquals(400, reply.status(), reply.body());
    assertEquals("bad_request", reply.errorCode(), reply.body());
    assertTrue(reply.body().contains("UTF-8"), reply.body());
  }

  /** SockJS's raw WebSocket transport: a text frame that is not UTF-8 fails the connection with 1007. */
  @Test
  void aWebSocketTextFrameThatIsNotUtf8Closes1007() throws Exception {
    gateway.start();
    try (RawWebSocket ws = RawWebSocket.at(gateway.edgePort(), "/eventbus/websocket")) {
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      text.writeBytes("{\"type\":\"ping\",\"x\":\"".getBytes(StandardCharsets.UTF_8));
      text.writeBytes(new byte[] {(byte) 0xc0, (byte) 0xaf}); // an overlong encoding of '/'
      text.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
      ws.sendRaw(RawWebSocket.frame(0x81, text.toByteArray()));
      RawWebSocket.Frame frame = ws.read();
      while (frame.opcode() != 0x8) {
        frame = ws.read();
      }
      assertEquals(1007, frame.closeCode());
    }
  }

  /** A GET that says it carries a multipart form (the abuse fuzzer sends them) is served, not a 500. */
  @Test
  void aGetWithAMultipartContentTypeIsServed() throws Exception {
    gateway.start();
    Http.Reply reply = Http.send("GET", gateway.edgePort(), "/eventbus/info", null,
        "Content-Type", "multipart/form-data; boundary=x");
    assertEquals(200, reply.status(), reply.body());
  }
}
