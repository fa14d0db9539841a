package stream.terminal.lastmile.sockjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.Http;
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

  /** A GET that says it carries a multipart form (the abuse fuzzer sends them) is served, not a 500. */
  @Test
  void aGetWithAMultipartContentTypeIsServed() throws Exception {
    gateway.start();
    Http.Reply reply = Http.send("GET", gateway.edgePort(), "/eventbus/info", null,
        "Content-Type", "multipart/form-data; boundary=x");
    assertEquals(200, reply.status(), reply.body());
  }
}
