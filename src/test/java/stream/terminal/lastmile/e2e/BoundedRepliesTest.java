package stream.terminal.lastmile.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.RawWebSocket;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * One request cannot make the node queue much more than the connection's write_queue_bytes, and a connection
 * whose queue stays full is dropped even though it never fails a write.
 */
class BoundedRepliesTest {
  private static final int MESSAGES = 40;
  private static final String PAD = "p".repeat(2000);

  private final TestGateway gateway = new TestGateway();

  @AfterEach
  void tearDown() throws Exception {
    gateway.close();
  }

  private String createWithMessages(String channel) throws Exception {
    return createWithMessages(channel, MESSAGES, PAD);
  }

  private String createWithMessages(String channel, int count, String pad) throws Exception {
    try (WsClient publisher = gateway.ingest()) {
      JsonObject created = publisher.request("create", channel);
      for (int i = 1; i <= count; i++) {
        publisher.send(new JsonObject().put("op", "publish").put("channel", channel)
            .put("data", new JsonObject().put("n", i).put("pad", pad)));
      }
      for (int i = 1; i <= count; i++) {
        assertResult(publisher.next());
      }
      return created.getJsonObject("result").getString("epoch");
    }
  }

  /**
   * Pages through the whole history with a reader; each page stays within the byte bound (one message may pass
   * it alone), says there is more while it ends before {@code offset}, and nothing is skipped.
   */
  private static void pageThrough(LongFunction<JsonObject> read, int maxBytes) {
    long since = 0;
    int pages = 0;
    while (true) {
      JsonObject page = read.apply(since);
      JsonArray messages = page.getJsonArray("messages");
      if (messages.isEmpty()) {
        break;
      }
      pages++;
      assertTrue(messages.size() == 1 || messages.encode().length() <= maxBytes,
          messages.size() + " messages, " + messages.encode().length() + " bytes");
      for (int i = 0; i < messages.size(); i++) {
        assertEquals(since + 1, messages.getJsonObject(i).getLong("offset"));
        since++;
      }
      if (since == page.getLong("offset")) {
        break;
      }
    }
    assertEquals(MESSAGES, since);
    assertTrue(pages >= MESSAGES * 2000 / maxBytes, pages + " pages");
  }

  @Test
  void historyPagesAreBoundedInBytesOverWebSocketAndHttp() throws Exception {
    gateway.limits("public").put("write_queue_bytes", 8192).put("commands_per_second", 0);
    gateway.limits("private").put("write_queue_bytes", 8192);
    gateway.start();
    String epoch = createWithMessages("bounded.history");
    try (WsClient client = gateway.edge()) {
      pageThrough(since -> {
        try {
          return client.request(new JsonObject().put("op", "history").put("channel", "bounded.history")
              .put("since", new JsonObject().put("epoch", epoch).put("offset", since))).getJsonObject("result");
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }, 8192);
    }
    pageThrough(since -> {
      try {
        return Http.get(gateway.ingestPort(), "/channels/bounded.history/messages?since=" + since).json();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, 8192);
  }

  @Test
  void aMessageLargerThanTheBoundStillComesAlone() throws Exception {
    gateway.limits("public").put("write_queue_bytes", 1024);
    gateway.start();
    String epoch = createWithMessages("bounded.single");
    try (WsClient client = gateway.edge()) {
      JsonObject page = client.request(new JsonObject().put("op", "history").put("channel", "bounded.single")
          .put("since", new JsonObject().put("epoch", epoch).put("offset", 0))).getJsonObject("result");
      assertEquals(1, page.getJsonArray("messages").size());
      assertEquals(MESSAGES, page.getLong("offset"));
    }
  }

  /**
   * A resume whose replay the client never reads: the replay waits for room without writing, so no write ever
   * finds the queue full. The connection is dropped once its queue stayed full past max_unwritable_ms, long
   * before its idle timeout (the replay's frames are there to read, then the notice and 4001).
   */
  @Test
  void aConnectionWhoseQueueStaysFullIsDroppedAsASlowConsumer() throws Exception {
    gateway.limits("public").put("write_queue_bytes", 1024).put("ping_interval_ms", 100)
        .put("idle_timeout_ms", 60_000).put("max_unwritable_ms", 300);
    gateway.start();
    // 8 MB of backlog: more than the kernel's socket buffers hold for a client that reads nothing
    String epoch = createWithMessages("bounded.stuck", 1000, "p".repeat(8000));
    try (RawWebSocket client = new RawWebSocket(gateway.edgePort(), 4096)) {
      client.sendText(new JsonObject().put("op", "subscribe").put("channel", "bounded.stuck")
          .put("since", new JsonObject().put("epoch", epoch).put("offset", 0)).encode());
      await().atMost(Duration.ofSeconds(10)).until(() -> gateway.disconnects("slow_consumer") == 1);
      RawWebSocket.Frame frame = client.read();
      for (; frame.opcode() != 0x8; frame = client.read()) {
        if (frame.opcode() == 0x1 && frame.text().startsWith("{\"type\":\"disconnect\"")) {
          assertEquals(4001, new JsonObject(frame.text()).getInteger("code"), frame.text());
        }
      }
      assertEquals(4001, frame.closeCode());
    }
  }
}
