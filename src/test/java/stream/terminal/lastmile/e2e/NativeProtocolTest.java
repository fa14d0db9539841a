package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertError;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/** Every op of the native protocol against a real node, through real WebSockets. */
class NativeProtocolTest {
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway();
    gateway.listenerConfig("private").put("permissions", new JsonArray().add("create").add("publish").add("subscribe"));
    gateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void createSubscribePublishDeliversInOrderWithOffsetsFromOne() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient subscriber = gateway.edge()) {
      JsonObject created = publisher.request("create", "native.order");
      assertResult(created);
      String epoch = created.getJsonObject("result").getString("epoch");
      assertEquals("native.order", created.getJsonObject("result").getString("channel"));

      JsonObject subscribed = subscriber.request("subscribe", "native.order");
      assertEquals(epoch, subscribed.getJsonObject("result").getString("epoch"));
      assertEquals(0, subscribed.getJsonObject("result").getLong("offset"));

      for (int i = 1; i <= 50; i++) {
        JsonObject reply = publisher.request(new JsonObject().put("op", "publish").put("channel", "native.order")
            .put("data", new JsonObject().put("n", i).put("price", "1.10")));
        assertEquals(i, reply.getJsonObject("result").getLong("offset"));
        assertEquals(epoch, reply.getJsonObject("result").getString("epoch"));
      }
      for (int i = 1; i <= 50; i++) {
        JsonObject message = subscriber.nextMessage();
        assertEquals("native.order", message.getString("channel"));
        assertEquals(i, message.getLong("offset"));
        assertEquals(epoch, message.getString("epoch"));
        assertEquals(i, message.getJsonObject("data").getInteger("n"));
        assertTrue(message.getLong("ts") > 0);
      }
    }
  }

  @Test
  void dataOfAnyJsonTypeArrivesUnchanged() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient subscriber = gateway.edge()) {
      publisher.request("create", "native.types");
      subscriber.request("subscribe", "native.types");
      String[] values = {"\"text\"", "42", "1.100000000000000000001", "null", "true", "[1,{\"a\":[]}]", "{\"k\":\"é✓\"}"};
      for (String value : values) {
        publisher.sendText("{\"op\":\"publish\",\"channel\":\"native.types\",\"data\":" + value + "}");
      }
      for (String value : values) {
        String frame = subscriber.nextText();
        while (!frame.contains("\"type\":\"message\"")) {
          frame = subscriber.nextText();
        }
        assertTrue(frame.contains("\"data\":" + value + ","), frame + " should carry " + value);
      }
    }
  }

  @Test
  void idsAreEchoedAsSentAndAbsentIdsReplyWithNull() throws Exception {
    try (WsClient client = gateway.edge()) {
      client.sendText("{\"op\":\"ping\",\"id\":\"req-7\"}");
      assertEquals("req-7", client.next().getString("id"));
      client.sendText("{\"op\":\"ping\",\"id\":12.5}");
      assertEquals(12.5, client.next().getDouble("id"));
      client.sendText("{\"op\":\"ping\"}");
      JsonObject reply = client.next();
      assertTrue(reply.containsKey("id"));
      assertNull(reply.getValue("id"));
      assertEquals("reply", reply.getString("type"));
    }
  }

  @Test
  void unsubscribeStopsDelivery() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient subscriber = gateway.edge()) {
      publisher.request("create", "native.unsub");
      subscriber.request("subscribe", "native.unsub");
      publisher.request(new JsonObject().put("op", "publish").put("channel", "native.unsub").put("data", 1));
      assertEquals(1, subscriber.nextMessage().getInteger("data"));
      JsonObject reply = subscriber.request("unsubscribe", "native.unsub");
      assertTrue(reply.getJsonObject("result").getBoolean("was_subscribed"));
      publisher.request("create", "native.unsub.marker");
      subscriber.request("subscribe", "native.unsub.marker");
      publisher.request(new JsonObject().put("op", "publish").put("channel", "native.unsub").put("data", 2));
      publisher.request(new JsonObject().put("op", "publish").put("channel", "native.unsub.marker").put("data", 3));
      // the hub hands a node's messages on in the order the bus delivers them: had 2 been sent, it would come first
      assertEquals("native.unsub.marker", subscriber.nextMessage().getString("channel"));
      assertFalse(subscriber.request("unsubscribe", "native.unsub").getJsonObject("result").getBoolean("was_subscribed"));
    }
  }

  @Test
  void subscribeTwiceIsIdempotentAndDeliversOnce() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient subscriber = gateway.edge()) {
      publisher.request("create", "native.twice");
      assertResult(subscriber.request("subscribe", "native.twice"));
      assertResult(subscriber.request("subscribe", "native.twice"));
      publisher.request(new JsonObject().put("op", "publish").put("channel", "native.twice").put("data", "x"));
      publisher.request(new JsonObject().put("op", "publish").put("channel", "native.twice").put("data", "y"));
      assertEquals("x", subscriber.nextMessage().getString("data"));
      assertEquals("y", subscriber.nextMessage().getString("data"), "a duplicate of x would come before y");
    }
  }

  @Test
  void historyAndResumeReportPosition() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient subscriber = gateway.edge()) {
      String epoch = publisher.request("create", "native.hist").getJsonObject("result").getString("epoch");
      publisher.request(new JsonObject().put("op", "publish").put("channel", "native.hist").put("data", 1));
      JsonObject history = subscriber.request(new JsonObject().put("op", "history").put("channel", "native.hist")
          .put("limit", 10));
      assertEquals(1, history.getJsonObject("result").getLong("offset"));
      assertEquals(epoch, history.getJsonObject("result").getString("epoch"));
      assertEquals(1, history.getJsonObject("result").getJsonArray("messages").getJsonObject(0).getInteger("data"));

      JsonObject upToDate = subscriber.request(new JsonObject().put("op", "subscribe").put("channel", "native.hist")
          .put("since", new JsonObject().put("epoch", epoch).put("offset", 1)));
      assertTrue(upToDate.getJsonObject("result").getBoolean("recovered"));
      subscriber.request("unsubscribe", "native.hist");
      JsonObject otherEpoch = subscriber.request(new JsonObject().put("op", "subscribe").put("channel", "native.hist")
          .put("since", new JsonObject().put("epoch", "older").put("offset", 1)));
      assertFalse(otherEpoch.getJsonObject("result").getBoolean("recovered"));
    }
  }

  @Test
  void channelErrors() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient subscriber = gateway.edge()) {
      assertError("channel_not_found", subscriber.request("subscribe", "native.missing"));
      assertError("channel_not_found", subscriber.request("history", "native.missing"));
      assertError("channel_not_found", publisher.request(
          new JsonObject().put("op", "publish").put("channel", "native.missing").put("data", 1)));
      assertResult(publisher.request("create", "native.dup"));
      assertError("channel_exists", publisher.request("create", "native.dup"));
      assertError("bad_request", publisher.request("create", "bad name with spaces"));
      assertError("bad_request", publisher.request("create", "x".repeat(129)));
    }
  }

  @Test
  void edgeRefusesCreateAndPublish() throws Exception {
    try (WsClient publisher = gateway.ingest(); WsClient subscriber = gateway.edge()) {
      publisher.request("create", "native.perm");
      assertError("permission_denied", subscriber.request("create", "native.other"));
      assertError("permission_denied", subscriber.request(
          new JsonObject().put("op", "publish").put("channel", "native.perm").put("data", 1)));
    }
  }

  @Test
  void malformedCommandsGetErrorsAndTheConnectionLives() throws Exception {
    try (WsClient client = gateway.edge()) {
      client.sendText("not json");
      assertError("bad_request", client.next());
      client.sendText("[1,2]");
      assertError("bad_request", client.next());
      client.sendText("{\"id\":3}");
      JsonObject missingOp = client.next();
      assertError("bad_request", missingOp);
      assertEquals(3, missingOp.getInteger("id"));
      client.sendText("{\"op\":\"explode\",\"id\":4}");
      JsonObject unknown = client.next();
      assertError("unknown_op", unknown);
      assertEquals(4, unknown.getInteger("id"));
      client.sendText("{\"op\":\"subscribe\",\"channel\":5,\"id\":5}");
      assertError("bad_request", client.next());
      client.sendText("{\"op\":\"subscribe\",\"channel\":\"c\",\"since\":{\"offset\":-1},\"id\":6}");
      assertError("bad_request", client.next());
      client.sendText("{\"op\":\"ping\",\"id\":{\"nested\":true}}");
      assertError("bad_request", client.next());
      client.sendText("{\"op\":\"ping\"} trailing");
      assertError("bad_request", client.next());
      client.sendBinary(new byte[] {1, 2, 3});
      assertError("bad_request", client.next());
      assertResult(client.request("ping", null));
    }
  }

  @Test
  void publishWithoutDataIsRefused() throws Exception {
    try (WsClient publisher = gateway.ingest()) {
      publisher.request("create", "native.nodata");
      assertError("bad_request", publisher.request("publish", "native.nodata"));
    }
  }
}
