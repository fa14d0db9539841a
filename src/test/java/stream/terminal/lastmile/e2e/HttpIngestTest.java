package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/** The HTTP side of a real node: the ingest API and operations endpoints on the private listener, nothing on the edge. */
class HttpIngestTest {
  private static final int MAX_DATA_BYTES = 1024;

  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway();
    gateway.limits("private").put("max_data_bytes", MAX_DATA_BYTES);
    gateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static int ingest() {
    return gateway.ingestPort();
  }

  private static String created(String channel) throws Exception {
    Http.Reply reply = Http.put(ingest(), "/channels/" + channel);
    assertEquals(201, reply.status(), reply.body());
    return reply.json().getString("epoch");
  }

  private static void assertError(int status, String code, Http.Reply reply) {
    assertEquals(status, reply.status(), reply.body());
    assertEquals(code, reply.errorCode(), reply.body());
    assertNotNull(reply.json().getJsonObject("error").getString("message"), reply.body());
  }

  /** The channel's current position, as the history endpoint reports it. */
  private static long offsetOf(String channel) throws Exception {
    Http.Reply reply = Http.get(ingest(), "/channels/" + channel + "/messages");
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getLong("offset");
  }

  /** JSON is UTF-8: a body that is not is refused, never stored with U+FFFD in place of its bytes. */
  @ParameterizedTest
  @ValueSource(strings = {"c0af", "eda080", "f4908080", "e282", "ff"})
  void aPublishBodyThatIsNotUtf8IsBadRequest(String hex) throws Exception {
    created("http.utf8." + hex);
    byte[] bad = java.util.HexFormat.of().parseHex(hex);
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.writeBytes("{\"text\":\"a".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    body.writeBytes(bad);
    body.writeBytes("b\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Http.Reply reply = Http.postBytes(ingest(), "/channels/http.utf8." + hex + "/messages", body.toByteArray(),
        "Content-Type", "application/json; charset=utf-8");
    assertError(400, "bad_request", reply);
    assertTrue(reply.json().getJsonObject("error").getString("message").contains("UTF-8"), reply.body());
    assertEquals(0, offsetOf("http.utf8." + hex));
  }

  // ---- create ----

  @Test
  void createAnswers201ThenConflict() throws Exception {
    Http.Reply first = Http.put(ingest(), "/channels/http.create");
    assertEquals(201, first.status(), first.body());
    assertEquals("http.create", first.json().getString("channel"));
    assertFalse(first.json().getString("epoch").isEmpty());

    assertError(409, "channel_exists", Http.put(ingest(), "/channels/http.create"));
  }

  @Test
  void createWithAnInvalidNameIsBadRequest() throws Exception {
    assertError(400, "bad_request", Http.put(ingest(), "/channels/bad%20name"));
    assertError(400, "bad_request", Http.put(ingest(), "/channels/" + "x".repeat(129)));
    assertError(400, "bad_request", Http.put(ingest(), "/channels/a%2Fb"));
  }

  // ---- publish ----

  @Test
  void publishAnswersThePositionAndSubscribersGetTheDataExactly() throws Exception {
    String epoch = created("http.publish");
    try (WsClient subscriber = gateway.edge()) {
      assertResult(subscriber.request("subscribe", "http.publish"));
      String[][] bodies = {
        {"{ \"price\" : 1.10, \"q\" : [1, 2],\n \"s\" : \"a \\\"b\\\" é\" }", "{\"price\":1.10,\"q\":[1,2],\"s\":\"a \\\"b\\\" é\"}"},
        {"\"hi\"", "\"hi\""},
        {" 10.0 ", "10.0"},
        {"1.100000000000000000001", "1.100000000000000000001"},
        {"[true, null]", "[true,null]"},
        {"null", "null"},
      };
      for (int i = 0; i < bodies.length; i++) {
        Http.Reply reply = Http.post(ingest(), "/channels/http.publish/messages", bodies[i][0]);
        assertEquals(200, reply.status(), reply.body());
        assertEquals("http.publish", reply.json().getString("channel"));
        assertEquals(epoch, reply.json().getString("epoch"));
        assertEquals(i + 1, reply.json().getLong("offset"));
      }
      for (int i = 0; i < bodies.length; i++) {
        String frame = subscriber.nextText();
        JsonObject message = new JsonObject(frame);
        assertEquals("message", message.getString("type"), frame);
        assertEquals(i + 1, message.getLong("offset"));
        assertEquals(epoch, message.getString("epoch"));
        assertTrue(frame.contains(",\"data\":" + bodies[i][1] + ",\"ts\":"), frame + " should carry " + bodies[i][1]);
      }
    }
  }

  @Test
  void publishToAnUnknownChannelIsNotFound() throws Exception {
    assertError(404, "channel_not_found", Http.post(ingest(), "/channels/http.nowhere/messages", "{\"a\":1}"));
  }

  @Test
  void publishWithAnInvalidChannelNameIsBadRequest() throws Exception {
    assertError(400, "bad_request", Http.post(ingest(), "/channels/bad%20name/messages", "1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "{\"a\":", "{} trailing", "{'a':1}", "", "   ", "\n"})
  void publishWithABodyThatIsNotOneJsonValueIsBadRequest(String body) throws Exception {
    String channel = "http.badbody" + Math.abs(body.hashCode());
    created(channel);
    assertError(400, "bad_request", Http.post(ingest(), "/channels/" + channel + "/messages", body));
    assertEquals(0, offsetOf(channel), "nothing was published");
  }

  @Test
  void publishWithoutABodyIsBadRequest() throws Exception {
    created("http.nobody");
    assertError(400, "bad_request", Http.send("POST", ingest(), "/channels/http.nobody/messages", null));
    assertEquals(0, offsetOf("http.nobody"));
  }

  @Test
  void publishLargerThanMaxDataBytesIsTooLarge() throws Exception {
    created("http.large");
    String fits = "\"" + "x".repeat(MAX_DATA_BYTES - 2) + "\"";
    assertEquals(200, Http.post(ingest(), "/channels/http.large/messages", fits).status());

    String tooLarge = "\"" + "x".repeat(MAX_DATA_BYTES) + "\"";
    Http.Reply reply = Http.post(ingest(), "/channels/http.large/messages", tooLarge);
    assertError(413, "too_large", reply);
    assertTrue(reply.json().getJsonObject("error").getString("message").contains(String.valueOf(MAX_DATA_BYTES)),
        reply.body());
    assertEquals(1, offsetOf("http.large"));
  }

  // ---- list and history ----

  @Test
  void listShowsChannelsWithTheirOffsets() throws Exception {
    String busyEpoch = created("http.list.busy");
    String idleEpoch = created("http.list.idle");
    Http.post(ingest(), "/channels/http.list.busy/messages", "1");
    Http.post(ingest(), "/channels/http.list.busy/messages", "2");

    Http.Reply reply = Http.get(ingest(), "/channels");
    assertEquals(200, reply.status(), reply.body());
    JsonArray channels = reply.json().getJsonArray("channels");
    JsonObject busy = find(channels, "http.list.busy");
    JsonObject idle = find(channels, "http.list.idle");
    assertEquals(new JsonObject().put("channel", "http.list.busy").put("epoch", busyEpoch).put("offset", 2), busy);
    assertEquals(new JsonObject().put("channel", "http.list.idle").put("epoch", idleEpoch).put("offset", 0), idle);
  }

  private static JsonObject find(JsonArray channels, String name) {
    for (int i = 0; i < channels.size(); i++) {
      if (name.equals(channels.getJsonObject(i).getString("channel"))) {
        return channels.getJsonObject(i);
      }
    }
    throw new AssertionError(name + " not listed in " + channels.encode());
  }

  @Test
  void historyValidatesItsQuery() throws Exception {
    created("http.history");
    for (String query : List.of("limit=0", "limit=-1", "limit=1001", "limit=ten", "since=abc", "since=-1", "since=1.5")) {
      assertError(400, "bad_request", Http.get(ingest(), "/channels/http.history/messages?" + query));
    }
  }

  @Test
  void historyAnswersThePositionAndMessages() throws Exception {
    String epoch = created("http.history.ok");
    Http.post(ingest(), "/channels/http.history.ok/messages", "{\"n\":1}");
    Http.Reply reply = Http.get(ingest(), "/channels/http.history.ok/messages?since=0&limit=10");
    assertEquals(200, reply.status(), reply.body());
    assertEquals("http.history.ok", reply.json().getString("channel"));
    assertEquals(epoch, reply.json().getString("epoch"));
    assertEquals(1, reply.json().getLong("offset"));
    assertNotNull(reply.json().getJsonArray("messages"));

    Http.Reply empty = Http.get(ingest(), "/channels/http.history.ok/messages?since=1&limit=1000");
    assertEquals(200, empty.status(), empty.body());
    assertEquals(new JsonArray(), empty.json().getJsonArray("messages"));
  }

  @Test
  void historyOfAnUnknownChannelIsNotFound() throws Exception {
    assertError(404, "channel_not_found", Http.get(ingest(), "/channels/http.history.none/messages?limit=5"));
  }

  // ---- permissions ----

  @Test
  void listenerWithoutAPermissionRefusesThatOperation() throws Exception {
    try (TestGateway restricted = new TestGateway()) {
      restricted.listenerConfig("private").put("permissions", new JsonArray().add("create"));
      restricted.config().getJsonArray("listeners").add(new JsonObject().put("name", "publish-only").put("role", "ingest")
          .put("host", "127.0.0.1").put("port", 0).put("permissions", new JsonArray().add("publish")));
      restricted.start();
      int createOnly = restricted.ingestPort();
      int publishOnly = restricted.node().port("publish-only");

      assertEquals(201, Http.put(createOnly, "/channels/http.perm").status());
      Http.Reply denied = Http.post(createOnly, "/channels/http.perm/messages", "{\"a\":1}");
      assertError(403, "permission_denied", denied);
      assertTrue(denied.json().getJsonObject("error").getString("message").contains("private"), denied.body());

      assertError(403, "permission_denied", Http.put(publishOnly, "/channels/http.perm2"));
      Http.Reply published = Http.post(publishOnly, "/channels/http.perm/messages", "{\"a\":1}");
      assertEquals(200, published.status(), published.body());
      assertEquals(1, published.json().getLong("offset"));
    }
  }

  // ---- operations ----

  @Test
  void healthAndReadyAnswer200() throws Exception {
    Http.Reply health = Http.get(ingest(), "/health");
    assertEquals(200, health.status(), health.body());
    assertEquals("up", health.json().getString("status"));
    Http.Reply ready = Http.get(ingest(), "/ready");
    assertEquals(200, ready.status(), ready.body());
    assertEquals(new JsonObject().put("status", "ready"), ready.json());
  }

  @Test
  void metricsCountPublishesAndNeverNameAChannel() throws Exception {
    created("http.metrics.secretname");
    try (WsClient subscriber = gateway.edge()) {
      assertResult(subscriber.request("subscribe", "http.metrics.secretname"));
      assertEquals(200, Http.post(ingest(), "/channels/http.metrics.secretname/messages", "{\"x\":1}").status());
      assertEquals(200, Http.post(ingest(), "/channels/http.metrics.secretname/messages", "{\"x\":2}").status());
      subscriber.nextMessage();
      subscriber.nextMessage();
    }
    Http.get(ingest(), "/channels/http.metrics.secretname/messages?limit=1");
    Http.get(ingest(), "/channels/http.metrics.absent/messages");

    Http.Reply metrics = Http.get(ingest(), "/metrics");
    assertEquals(200, metrics.status(), metrics.body());
    String text = metrics.body();
    double published = text.lines()
        .filter(l -> l.startsWith("lastmile_messages_published_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no lastmile_messages_published_total in\n" + text));
    assertTrue(published >= 2, "published " + published);

    assertFalse(text.contains("secretname"), "a channel name leaked into /metrics");
    assertFalse(text.contains("http.metrics.absent"), "a requested path leaked into /metrics");
    JsonArray channels = Http.get(ingest(), "/channels").json().getJsonArray("channels");
    for (int i = 0; i < channels.size(); i++) {
      String name = channels.getJsonObject(i).getString("channel");
      assertFalse(text.contains(name), "channel " + name + " appears in /metrics");
    }
  }

  // ---- the public side has no HTTP API ----

  @Test
  void edgeAnswersPlainHttpWith404AndAJsonError() throws Exception {
    Http.Reply root = Http.get(gateway.edgePort(), "/");
    assertEquals(404, root.status(), root.body());
    assertNotNull(root.json().getJsonObject("error").getString("code"), root.body());
    assertNotNull(root.json().getJsonObject("error").getString("message"), root.body());
  }

  @Test
  void edgeHasNoIngestOrOperationsApi() throws Exception {
    int edge = gateway.edgePort();
    created("http.edge.exists");
    assertEquals(404, Http.put(edge, "/channels/http.edge.new").status());
    assertEquals(404, Http.post(edge, "/channels/http.edge.exists/messages", "{\"a\":1}").status());
    assertEquals(404, Http.get(edge, "/channels").status());
    assertEquals(404, Http.get(edge, "/channels/http.edge.exists/messages").status());
    assertEquals(404, Http.get(edge, "/metrics").status());
    assertEquals(404, Http.get(edge, "/health").status());
    assertEquals(0, offsetOf("http.edge.exists"), "nothing was published through the edge");
    assertError(404, "channel_not_found", Http.get(ingest(), "/channels/http.edge.new/messages"));
  }

  /** What a form or a text/plain fetch from any web page sends, without a CORS preflight. */
  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
      "application/jsonp", "json", "application/json+x"})
  void aBodyNotDeclaredJsonIsRefusedWith415AndNotPublished(String type) throws Exception {
    String channel = "ctype." + Math.abs(type.hashCode());
    created(channel);
    assertError(415, "unsupported_media_type",
        Http.send("POST", ingest(), "/channels/" + channel + "/messages", "{\"a\":1}", "Content-Type", type));
    assertEquals(0, offsetOf(channel));
    assertError(415, "unsupported_media_type",
        Http.send("PUT", ingest(), "/channels/" + channel + ".put", "{}", "Content-Type", type));
    assertEquals(404, Http.get(ingest(), "/channels/" + channel + ".put/messages").status());
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8",
      "application/vnd.example+json", "text/x.custom+json; v=2"})
  void jsonContentTypesArePublished(String type) throws Exception {
    String channel = "jtype." + Math.abs(type.hashCode());
    assertEquals(201,
        Http.send("PUT", ingest(), "/channels/" + channel, "{}", "Content-Type", type).status());
    assertEquals(200,
        Http.send("POST", ingest(), "/channels/" + channel + "/messages", "[1]", "Content-Type", type).status());
    assertEquals(1, offsetOf(channel));
  }

  @Test
  void aPutWithoutBodyNeedsNoContentType() throws Exception {
    assertEquals(201, Http.send("PUT", ingest(), "/channels/ctype.nobody", null, "Content-Type", "text/plain")
        .status());
  }
}
