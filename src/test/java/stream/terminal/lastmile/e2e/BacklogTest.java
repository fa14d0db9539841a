package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertError;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/** History and resume against a real node: stored messages, bounds, and the replay-to-live switch. */
class BacklogTest {
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway();
    gateway.limits("public").put("write_queue_bytes", 64 * 1024).put("commands_per_second", 0);
    gateway.config().put("channels", new JsonObject()
        .put("history_max_page", 100)
        .put("patterns", new JsonArray()
            .add(new JsonObject().put("pattern", "small.*").put("backlog_size", 5))
            .add(new JsonObject().put("pattern", "auto.*").put("create_on_publish", true))
            .add(new JsonObject().put("pattern", "none.*").put("backlog_size", 0))
            // holds the whole stream: however late the node reads the resume, nothing it asks for is trimmed
            .add(new JsonObject().put("pattern", "race.*").put("backlog_size", 5000))));
    gateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static String create(WsClient publisher, String channel) throws Exception {
    JsonObject reply = publisher.request("create", channel);
    assertResult(reply);
    return reply.getJsonObject("result").getString("epoch");
  }

  private static void publish(WsClient publisher, String channel, int from, int to) throws Exception {
    for (int i = from; i <= to; i++) {
      assertResult(publisher.request(new JsonObject().put("op", "publish").put("channel", channel).put("data", i)));
    }
  }

  private static JsonObject resume(WsClient subscriber, String channel, String epoch, long offset) throws Exception {
    return subscriber.request(new JsonObject().put("op", "subscribe").put("channel", channel)
        .put("since", new JsonObject().put("epoch", epoch).put("offset", offset))).getJsonObject("result");
  }

  private static void assertMessages(WsClient subscriber, long from, long to) throws Exception {
    for (long i = from; i <= to; i++) {
      JsonObject m = subscriber.nextMessage();
      assertEquals(i, m.getLong("offset"), m.encode());
      assertEquals(i, m.getLong("data"), m.encode());
    }
  }

  @Test
  void historyReturnsStoredMessagesAfterSinceUpToTheLimit() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient reader = gateway.edge()) {
      String epoch = create(publisher, "backlog.history");
      publish(publisher, "backlog.history", 1, 10);
      JsonObject page = reader.request(new JsonObject().put("op", "history").put("channel", "backlog.history")
          .put("since", new JsonObject().put("epoch", epoch).put("offset", 3)).put("limit", 4)).getJsonObject("result");
      assertEquals(epoch, page.getString("epoch"));
      assertEquals(10, page.getLong("offset"));
      assertEquals(1, page.getLong("first_available"));
      List<Long> offsets = new ArrayList<>();
      page.getJsonArray("messages").forEach(m -> offsets.add(((JsonObject) m).getLong("offset")));
      assertEquals(List.of(4L, 5L, 6L, 7L), offsets);

      Http.Reply http = Http.get(gateway.ingestPort(), "/channels/backlog.history/messages?since=8&limit=50");
      assertEquals(200, http.status());
      JsonArray messages = http.json().getJsonArray("messages");
      assertEquals(2, messages.size());
      assertEquals(9, messages.getJsonObject(0).getInteger("data"));
      assertEquals("backlog.history", http.json().getString("channel"));
      assertEquals(400, Http.get(gateway.ingestPort(), "/channels/backlog.history/messages?limit=101").status());
    }
  }

  @Test
  void aSmallBacklogKeepsTheLatestMessagesAndSaysWhereItStarts() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient subscriber = gateway.edge()) {
      String epoch = create(publisher, "small.ring");
      publish(publisher, "small.ring", 1, 10);
      JsonObject result = resume(subscriber, "small.ring", epoch, 2);
      assertFalse(result.getBoolean("recovered"), "offsets 3 to 5 are gone");
      assertEquals(6, result.getLong("first_available"));
      assertEquals(10, result.getLong("offset"));
      assertMessages(subscriber, 6, 10);
    }
  }

  @Test
  void resumeReplaysWhatWasMissedThenGoesLive() throws Exception {
    try (WsClient publisher = gateway.ingest()) {
      String epoch = create(publisher, "backlog.resume");
      try (WsClient first = gateway.edge()) {
        first.request("subscribe", "backlog.resume");
        publish(publisher, "backlog.resume", 1, 3);
        assertMessages(first, 1, 3);
      }
      publish(publisher, "backlog.resume", 4, 10);
      try (WsClient back = gateway.edge()) {
        JsonObject result = resume(back, "backlog.resume", epoch, 3);
        assertTrue(result.getBoolean("recovered"));
        assertEquals(1, result.getLong("first_available"));
        assertEquals(10, result.getLong("offset"));
        assertMessages(back, 4, 10);
        publish(publisher, "backlog.resume", 11, 12);
        assertMessages(back, 11, 12);
      }
    }
  }

  @Test
  void resumingWhileAPublisherStreamsGivesEveryMessageOnceInOrder() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient subscriber = gateway.edge()) {
      String epoch = create(publisher, "race.backlog");
      for (int i = 1; i <= 3000; i++) {
        publisher.send(new JsonObject().put("op", "publish").put("channel", "race.backlog").put("data", i));
        if (i == 1500) {
          // resume from the start while half the stream is stored and the rest still coming
          subscriber.send(new JsonObject().put("op", "subscribe").put("channel", "race.backlog").put("id", "r")
              .put("since", new JsonObject().put("epoch", epoch).put("offset", 0)));
        }
      }
      JsonObject reply = subscriber.replyTo("r");
      assertTrue(reply.getJsonObject("result").getBoolean("recovered"), reply.encode());
      assertMessages(subscriber, 1, 3000);
    }
  }

  @Test
  void aReplayLargerThanTheOutboundQueueIsPacedNotDropped() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient subscriber = gateway.edge()) {
      String epoch = create(publisher, "backlog.big");
      String pad = "p".repeat(1000);
      for (int i = 1; i <= 500; i++) {
        publisher.send(new JsonObject().put("op", "publish").put("channel", "backlog.big")
            .put("data", new JsonObject().put("n", i).put("pad", pad)));
      }
      for (int i = 1; i <= 500; i++) {
        assertResult(publisher.next());
      }
      JsonObject result = resume(subscriber, "backlog.big", epoch, 0);
      assertTrue(result.getBoolean("recovered"));
      for (int i = 1; i <= 500; i++) {
        assertEquals(i, subscriber.nextMessage().getJsonObject("data").getInteger("n"));
      }
      assertFalse(subscriber.isClosed(), "500 KB of replay through a 64 KB queue, with no slow-consumer drop");
    }
  }

  @Test
  void aResumeFromAnotherEpochReplaysNothing() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient subscriber = gateway.edge()) {
      create(publisher, "backlog.epoch");
      publish(publisher, "backlog.epoch", 1, 3);
      JsonObject result = resume(subscriber, "backlog.epoch", "gone-epoch", 2);
      assertFalse(result.getBoolean("recovered"));
      assertEquals(3, result.getLong("offset"));
      publish(publisher, "backlog.epoch", 4, 4);
      assertMessages(subscriber, 4, 4);
    }
  }

  @Test
  void channelsWithoutBacklogStillNumberAndResumeHonestly() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient subscriber = gateway.edge()) {
      String epoch = create(publisher, "none.x");
      publish(publisher, "none.x", 1, 3);
      JsonObject result = resume(subscriber, "none.x", epoch, 1);
      assertFalse(result.getBoolean("recovered"));
      assertEquals(4, result.getLong("first_available"));
      publish(publisher, "none.x", 4, 4);
      assertMessages(subscriber, 4, 4);
    }
  }

  @Test
  void aMatchingPatternMayCreateTheChannelOnFirstPublish() throws Exception {
    try (WsClient publisher = gateway.ingest()) {
      JsonObject reply = publisher.request(new JsonObject().put("op", "publish").put("channel", "auto.new").put("data", 1));
      assertEquals(1, reply.getJsonObject("result").getLong("offset"));
      assertError("channel_not_found",
          publisher.request(new JsonObject().put("op", "publish").put("channel", "manual.new").put("data", 1)));
    }
  }
}
