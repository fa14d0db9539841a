package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.RawWebSocket;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/** Pings and pongs from a client cost it like commands do, and its pongs meet the outbound bound. */
class ControlFrameFloodTest {
  private static final byte[] PAYLOAD = new byte[125];

  private final TestGateway gateway = new TestGateway();

  @AfterEach
  void tearDown() throws Exception {
    gateway.close();
  }

  /** Reads past the pongs; returns how many there were and checks the notice and close frame that follow. */
  private static int pongsThenDisconnect(RawWebSocket client, int code) throws IOException {
    int pongs = 0;
    RawWebSocket.Frame frame = client.read();
    for (; frame.opcode() == 0xA || frame.opcode() == 0x9; frame = client.read()) {
      if (frame.opcode() == 0xA) {
        pongs++; // (0x9: the server's own ping, due whenever the sweep reaches this connection)
      }
    }
    JsonObject notice = new JsonObject(frame.text());
    assertEquals("disconnect", notice.getString("type"), frame.text());
    assertEquals(code, notice.getInteger("code"));
    RawWebSocket.Frame close = client.read();
    assertEquals(0x8, close.opcode());
    assertEquals(code, close.closeCode());
    return pongs;
  }

  /**
   * The per-connection limiter alone: with the address's frame and byte budgets on (the edge default), a flood
   * from one address is read no faster than 200 frames a second, so half its pings pass the 100/s limiter and
   * it is never refused `burst` times in a row; it is throttled instead (AddressBudgetTest).
   */
  private void perConnectionLimitOnly() {
    gateway.limits("public").put("frames_per_second_per_ip", 0).put("read_bytes_per_second_per_ip", 0);
  }

  @Test
  void pingFloodPastTheRateLimitIsDroppedAsAFlood() throws Exception {
    perConnectionLimitOnly();
    gateway.start();
    try (RawWebSocket flooder = new RawWebSocket(gateway.edgePort()); WsClient other = gateway.edge()) {
      flooder.sendPings(2_000, PAYLOAD);
      int pongs = pongsThenDisconnect(flooder, 4003);
      // the burst (200 by default) is answered, and the refill (100/s) while the pings are read; not the rest
      assertTrue(pongs >= 200 && pongs < 1_000, pongs + " pongs");
      assertResult(other.request("ping", null));
    }
  }

  @Test
  void unsolicitedPongFloodIsDroppedToo() throws Exception {
    perConnectionLimitOnly();
    gateway.start();
    try (RawWebSocket flooder = new RawWebSocket(gateway.edgePort())) {
      flooder.sendPongs(2_000, PAYLOAD);
      assertEquals(0, pongsThenDisconnect(flooder, 4003));
    }
  }

  /**
   * Without a rate limit (an ingest listener), a client that sends pings and never reads fills its outbound
   * queue with pongs: it is dropped as a slow consumer instead of the node buffering every pong.
   */
  @Test
  void pingsFromAClientThatNeverReadsEndInSlowConsumer() throws Exception {
    gateway.limits("private").put("write_queue_bytes", 16 * 1024);
    gateway.start();
    try (RawWebSocket flooder = new RawWebSocket(gateway.ingestPort(), 4096); WsClient other = gateway.ingest()) {
      // 1,000 pings of 125 bytes a batch, up to 400,000 (about 50 MB of pongs), until the node gives up on it
      for (int batch = 0; batch < 400 && gateway.disconnects("slow_consumer") == 0; batch++) {
        flooder.sendPings(1_000, PAYLOAD);
      }
      assertEquals(1.0, gateway.disconnects("slow_consumer"), "the node kept queueing pongs");
      // what the node queued is bounded: the client gets what the kernel's socket buffers (at most 4 MiB here)
      // and the 16 KiB queue held, about 33,000 pongs at most, then the notice and 4001
      int pongs = pongsThenDisconnect(flooder, 4001);
      assertTrue(pongs < 40_000, pongs + " pongs");
      assertResult(other.request("ping", null));
    }
  }
}
