package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.RawWebSocket;
import stream.terminal.lastmile.support.TestGateway;

/**
 * Fragments are not free: each counts against max_frame_bytes with an overhead and takes a rate token, so a
 * flood of empty continuations ends the connection; and a text message must be UTF-8 across its fragments.
 */
class FragmentFloodTest {
  private final TestGateway gateway = new TestGateway();

  /** No server pings: the first frame a client reads is the answer to what it sent. */
  @BeforeEach
  void noPings() {
    for (String listener : new String[] {"public", "private"}) {
      gateway.limits(listener).put("ping_interval_ms", 3_600_000).put("idle_timeout_ms", 7_200_000);
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    gateway.close();
  }

  /** A text frame that opens a message, then {@code count} empty continuations, none final. */
  private static byte[] emptyContinuations(int count) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(RawWebSocket.frame(0x01, "{\"op\":\"ping\"".getBytes(StandardCharsets.UTF_8)));
    byte[] empty = RawWebSocket.frame(0x00, new byte[0]);
    for (int i = 0; i < count; i++) {
      out.writeBytes(empty);
    }
    return out.toByteArray();
  }

  private static void assertNoticeAndClose(RawWebSocket client, int code) throws Exception {
    RawWebSocket.Frame frame = client.read();
    JsonObject notice = new JsonObject(frame.text());
    assertEquals("disconnect", notice.getString("type"), frame.text());
    assertEquals(code, notice.getInteger("code"), frame.text());
    RawWebSocket.Frame close = client.read();
    assertEquals(0x8, close.opcode());
    assertEquals(code, close.closeCode());
  }

  @Test
  void aFloodOfEmptyContinuationsOnIngestEndsIn1009() throws Exception {
    gateway.start(); // ingest: 1 MiB messages, no rate limit
    try (RawWebSocket client = new RawWebSocket(gateway.ingestPort())) {
      // 1 MiB / 64 bytes of overhead: 16,384 fragments at most, 100 KiB on the wire
      client.sendRaw(emptyContinuations(20_000));
      assertNoticeAndClose(client, 1009);
    }
  }

  @Test
  void fragmentsTakeRateTokensLikeFrames() throws Exception {
    gateway.limits("public").put("commands_per_second", 1).put("burst", 5).put("max_frame_bytes", 1 << 20)
        .put("frames_per_second_per_ip", 0);
    gateway.start();
    try (RawWebSocket client = new RawWebSocket(gateway.edgePort())) {
      client.sendRaw(emptyContinuations(50));
      // the sixth fragment finds no token: its message is dropped with its one reply, the rest are refused
      JsonObject refused = new JsonObject(client.read().text());
      assertEquals("rate_limited", refused.getJsonObject("error").getString("code"), refused.encode());
      assertNoticeAndClose(client, 4003);
    }
  }

  @Test
  void aCodePointCutByFragmentsPassesAndInvalidTextIs1007() throws Exception {
    gateway.start();
    try (RawWebSocket client = new RawWebSocket(gateway.edgePort())) {
      client.sendFragmented("{\"op\":\"ping\",\"id\":\"κόσμε€𝄞\"}", 1);
      assertEquals("κόσμε€𝄞", new JsonObject(client.read().text()).getString("id"));
      // an overlong '/' (C0 AF): decoded leniently it would become U+FFFD and reach the command
      client.sendRaw(RawWebSocket.frame(0x81, new byte[] {'"', (byte) 0xc0, (byte) 0xaf, '"'}));
      assertNoticeAndClose(client, 1007);
    }
  }
}
