package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.SseClient;
import stream.terminal.lastmile.support.SseClient.Event;
import stream.terminal.lastmile.support.TestGateway;

/**
 * Server-Sent Events on real edge listeners, read by a real SSE client: live messages on several channels,
 * resume through the backlog by last event id (header or parameter), failed resumes, every refusal, origins,
 * heartbeats and slow consumers.
 */
class SseTest {
  private static final String APP = "https://app.example.com";
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway();
    gateway.listenerConfig("public").put("allowed_origins", new JsonArray().add(APP));
    gateway.limits("public").put("ping_interval_ms", 300).put("max_subscriptions", 3);
    JsonArray listeners = gateway.config().getJsonArray("listeners");
    listeners.add(edge("locked").put("auth_tokens", new JsonArray().add("s3cret-token")));
    listeners.add(edge("mute").put("permissions", new JsonArray()));
    listeners.add(edge("tight").put("limits", new JsonObject()
        .put("write_queue_bytes", 4096).put("max_unwritable_ms", 200).put("commands_per_second", 0)
        .put("reply_bytes_per_second_per_ip", 0)));
    gateway.config().put("channels", new JsonObject().put("history_max_page", 4)
        .put("patterns", new JsonArray().add(new JsonObject().put("pattern", "small.*").put("backlog_size", 3))));
    gateway.start();
  }

  private static JsonObject edge(String name) {
    return new JsonObject().put("name", name).put("role", "edge").put("host", "127.0.0.1").put("port", 0);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static int port(String listener) {
    return gateway.node().port(listener);
  }

  private static void create(String channel) throws Exception {
    assertEquals(201, Http.put(gateway.ingestPort(), "/channels/" + channel).status());
  }

  private static long publish(String channel, int n) throws Exception {
    Http.Reply reply = Http.post(gateway.ingestPort(), "/channels/" + channel + "/messages", "{\"n\":" + n + "}");
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getLong("offset");
  }

  /** Opens a stream on the public listener and reads past its retry field. */
  private static SseClient open(String query, String... headers) throws Exception {
    SseClient client = SseClient.open(port("public"), "/sse?" + query, headers);
    assertEquals(200, client.status());
    assertEquals(2000L, client.nextEvent().retry());
    return client;
  }

  private static Event message(SseClient client) throws Exception {
    Event e = client.nextEvent();
    assertTrue(e.isMessage(), e.toString());
    return e;
  }

  @Test
  void liveMessagesOfSeveralChannelsCarryEveryPosition() throws Exception {
    create("sse.a");
    create("sse.b");
    try (SseClient client = open("channel=sse.a&channel=sse.b")) {
      assertEquals("text/event-stream", client.header("Content-Type").orElseThrow());
      assertEquals("no-cache", client.header("Cache-Control").orElseThrow());
      assertEquals("no", client.header("X-Accel-Buffering").orElseThrow());
      Event a = client.nextEvent();
      Event b = client.nextEvent();
      assertEquals("subscribed", a.name());
      assertEquals("subscribed", b.name());
      String epochA = a.json().getString("epoch");
      String epochB = b.json().getString("epoch");
      assertEquals(new JsonObject().put("channel", "sse.a").put("epoch", epochA).put("offset", 0), a.json());
      assertEquals("sse.b", b.json().getString("channel"));
      assertEquals("sse.a:" + epochA + ":0,sse.b:" + epochB + ":0", a.id());
      assertEquals(a.id(), b.id());

      publish("sse.a", 1);
      Event first = message(client);
      JsonObject frame = first.json();
      assertEquals("message", frame.getString("type"));
      assertEquals("sse.a", frame.getString("channel"));
      assertEquals(1, frame.getLong("offset"));
      assertEquals(new JsonObject().put("n", 1), frame.getJsonObject("data"));
      assertTrue(frame.containsKey("ts"));
      assertEquals("sse.a:" + epochA + ":1,sse.b:" + epochB + ":0", first.id());
      publish("sse.b", 2);
      assertEquals("sse.a:" + epochA + ":1,sse.b:" + epochB + ":1", message(client).id());
    }
  }

  @Test
  void aResumeByLastEventIdReplaysTheBacklogWithoutGapOrDuplicate() throws Exception {
    create("sse.resume.a");
    create("sse.resume.b");
    String id;
    try (SseClient client = open("channel=sse.resume.a&channel=sse.resume.b")) {
      client.nextEvent();
      client.nextEvent();
      publish("sse.resume.a", 1);
      id = message(client).id();
    }
    // missed while away: more than one history page (4) of each channel
    for (int n = 2; n <= 7; n++) {
      publish("sse.resume.a", n);
      publish("sse.resume.b", n);
    }
    String header;
    try (SseClient client = open("channel=sse.resume.a&channel=sse.resume.b", "Last-Event-ID", id)) {
      for (int i = 0; i < 2; i++) {
        Event subscribed = client.nextEvent();
        assertEquals("subscribed", subscribed.name());
        assertTrue(subscribed.json().getBoolean("recovered"), subscribed.data());
        assertEquals(1, subscribed.json().getLong("first_available"));
      }
      // each channel's replay is in order; the two channels' replays interleave as their pages are read
      List<Long> gotA = new ArrayList<>();
      List<Long> gotB = new ArrayList<>();
      Event last = null;
      for (int i = 0; i < 12; i++) {
        last = message(client);
        (last.json().getString("channel").equals("sse.resume.a") ? gotA : gotB).add(last.json().getLong("offset"));
      }
      assertEquals(List.of(2L, 3L, 4L, 5L, 6L, 7L), gotA);
      assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), gotB);
      assertEquals("sse.resume.a:" + epochOf(last, "sse.resume.a") + ":7,sse.resume.b:" + epochOf(last, "sse.resume.b")
          + ":6", last.id());
      publish("sse.resume.a", 8);
      JsonObject live = message(client).json();
      assertEquals("sse.resume.a", live.getString("channel"));
      assertEquals(8, live.getLong("offset"));
      header = last.id();
    }
    publish("sse.resume.b", 7);
    // the parameter form, for a client that reconnects by itself: the id is from before a#8 and b#7
    try (SseClient client = open("channel=sse.resume.a&channel=sse.resume.b&last_event_id=" + header)) {
      client.nextEvent();
      client.nextEvent();
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        JsonObject m = message(client).json();
        got.add(m.getString("channel") + "#" + m.getLong("offset"));
      }
      got.sort(null);
      assertEquals(List.of("sse.resume.a#8", "sse.resume.b#7"), got);
      publish("sse.resume.b", 8);
      assertEquals(8, message(client).json().getLong("offset"));
    }
  }

  /** The epoch of {@code channel} in an event's position token. */
  private static String epochOf(Event e, String channel) {
    for (String entry : e.id().split(",")) {
      if (entry.startsWith(channel + ":")) {
        return entry.substring(channel.length() + 1, entry.lastIndexOf(':'));
      }
    }
    throw new AssertionError(channel + " not in " + e.id());
  }

  @Test
  void sinceResumesOneChannel() throws Exception {
    create("sse.since");
    publish("sse.since", 1);
    publish("sse.since", 2);
    String epoch = Http.get(gateway.ingestPort(), "/channels").json().getJsonArray("channels").stream()
        .map(JsonObject.class::cast).filter(c -> c.getString("channel").equals("sse.since"))
        .findFirst().orElseThrow().getString("epoch");
    try (SseClient client = open("channel=sse.since&since=" + epoch + ":1")) {
      Event subscribed = client.nextEvent();
      assertTrue(subscribed.json().getBoolean("recovered"));
      assertEquals("sse.since:" + epoch + ":1", subscribed.id());
      assertEquals(2, message(client).json().getLong("offset"));
    }
  }

  @Test
  void aResumeThatCannotRecoverSaysSo() throws Exception {
    create("sse.lost");
    publish("sse.lost", 1);
    // another epoch: that history is gone, the stream starts at the present
    try (SseClient client = open("channel=sse.lost", "Last-Event-ID", "sse.lost:gone0epoch:1")) {
      Event subscribed = client.nextEvent();
      assertFalse(subscribed.json().getBoolean("recovered"));
      assertEquals(1, subscribed.json().getLong("offset"));
      publish("sse.lost", 2);
      assertEquals(2, message(client).json().getLong("offset"));
    }
    // the same epoch, but trimmed: the backlog keeps 3 messages
    create("small.lost");
    String epoch = null;
    for (int n = 1; n <= 6; n++) {
      epoch = Http.post(gateway.ingestPort(), "/channels/small.lost/messages", "1").json().getString("epoch");
    }
    try (SseClient client = open("channel=small.lost", "Last-Event-ID", "small.lost:" + epoch + ":1")) {
      Event subscribed = client.nextEvent();
      assertFalse(subscribed.json().getBoolean("recovered"));
      assertEquals(4, subscribed.json().getLong("first_available"));
      assertEquals(4, message(client).json().getLong("offset"));
    }
  }

  private static void assertRefused(String listener, String query, int status, String code, String... headers)
      throws Exception {
    try (SseClient client = SseClient.open(port(listener), "/sse?" + query, headers)) {
      assertEquals(status, client.status(), query);
      assertEquals(code, client.errorBody().getJsonObject("error").getString("code"), query);
    }
  }

  @Test
  void refusalsComeBeforeTheStreamAsAStatusAndAJsonError() throws Exception {
    create("sse.r1");
    create("sse.r2");
    assertRefused("public", "", 400, "bad_request");
    assertRefused("public", "channel=bad/name", 400, "bad_request");
    assertRefused("public", "channel=sse.r1&channel=sse.r1", 400, "bad_request");
    assertRefused("public", "channel=sse.r1&channel=sse.r2&since=e:1", 400, "bad_request");
    assertRefused("public", "channel=sse.r1&since=nocolon", 400, "bad_request");
    assertRefused("public", "channel=sse.r1&since=e:-1", 400, "bad_request");
    assertRefused("public", "channel=sse.r1&last_event_id=sse.r1:e", 400, "bad_request");
    assertRefused("public", "channel=sse.r1", 400, "bad_request", "Last-Event-ID", "sse.r1:e:x");
    assertRefused("public", "channel=sse.missing", 404, "channel_not_found");
    assertRefused("public", "channel=sse.r1&channel=sse.missing", 404, "channel_not_found");
    assertRefused("public", "channel=sse.r1&channel=sse.r2&channel=sse.a&channel=sse.b", 429, "limit_exceeded");
    assertRefused("mute", "channel=sse.r1", 403, "permission_denied");
    assertRefused("locked", "channel=sse.r1", 401, "unauthenticated");
    assertRefused("locked", "channel=sse.r1&token=wrong", 401, "unauthenticated");
    try (SseClient byHeader = SseClient.open(port("locked"), "/sse?channel=sse.r1", "Authorization", "Bearer s3cret-token");
        SseClient byParameter = SseClient.open(port("locked"), "/sse?channel=sse.r1&token=s3cret-token")) {
      assertEquals(200, byHeader.status());
      assertEquals(200, byParameter.status());
    }
    assertNoSubscriptionLeft();
  }

  @Test
  void onlyAllowedOriginsAreServedWithCors() throws Exception {
    create("sse.origin");
    assertRefused("public", "channel=sse.origin", 403, "permission_denied", "Origin", "https://evil.example.net");
    try (SseClient client = open("channel=sse.origin", "Origin", APP)) {
      assertEquals(APP, client.header("Access-Control-Allow-Origin").orElseThrow());
    }
    try (SseClient client = open("channel=sse.origin")) {
      assertTrue(client.header("Access-Control-Allow-Origin").isEmpty());
    }
  }

  @Test
  void heartbeatsKeepAnIdleStreamAlive() throws Exception {
    create("sse.quiet");
    try (SseClient client = open("channel=sse.quiet")) {
      assertEquals("subscribed", client.nextEvent().name());
      Event ping = client.next();
      assertEquals("ping", ping.comment());
      assertNull(ping.data());
    }
  }

  @Test
  void aStoppingNodeEndsItsStreamsWithADisconnectEvent() throws Exception {
    try (TestGateway own = new TestGateway().start()) {
      assertEquals(201, Http.put(own.ingestPort(), "/channels/sse.stop").status());
      try (SseClient client = SseClient.open(own.edgePort(), "/sse?channel=sse.stop")) {
        assertEquals(2000L, client.nextEvent().retry());
        assertEquals("subscribed", client.nextEvent().name());
        own.stop();
        Event notice = client.nextEvent();
        assertEquals("disconnect", notice.name());
        assertEquals(new JsonObject().put("type", "disconnect").put("code", 4000)
            .put("reason", "server shutting down").put("reconnect", true), notice.json());
        assertTrue(client.ends());
      }
    }
  }

  /** A client that stops reading fills its queue: it is cut after max_unwritable_ms, with the notice queued last. */
  @Test
  void aSlowConsumerIsCut() throws Exception {
    create("sse.slow");
    double before = gateway.disconnects("slow_consumer");
    try (Socket socket = new Socket("127.0.0.1", port("tight"))) {
      socket.getOutputStream().write(
          "GET /sse?channel=sse.slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> gateway.metric("lastmile_subscriptions") >= 1);
      String payload = "\"" + "x".repeat(16 * 1024) + "\"";
      Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> {
        for (int i = 0; i < 50; i++) {
          Http.post(gateway.ingestPort(), "/channels/sse.slow/messages", payload);
        }
        return gateway.disconnects("slow_consumer") > before;
      });
      // reading now drains what was queued (the kernel's buffers hold megabytes): the notice, then the end
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(all.contains("event: disconnect\ndata: {\"type\":\"disconnect\",\"code\":4001"),
          all.substring(Math.max(0, all.length() - 300)));
    }
    assertNoSubscriptionLeft();
  }

  /**
   * A replay paused on a full queue writes nothing more, so no write can find the queue full: the sweep cuts the
   * stream once it stayed full past max_unwritable_ms.
   */
  @Test
  void aStreamWhoseReplayStallsIsCutAfterMaxUnwritableMs() throws Exception {
    create("sse.stalled");
    String payload = "\"" + "y".repeat(60 * 1024) + "\"";
    String epoch = null;
    for (int i = 0; i < 250; i++) { // 15 MB
      epoch = Http.post(gateway.ingestPort(), "/channels/sse.stalled/messages", payload).json().getString("epoch");
    }
    double before = gateway.disconnects("slow_consumer");
    try (Socket socket = new Socket("127.0.0.1", port("tight"))) {
      socket.getOutputStream().write(("GET /sse?channel=sse.stalled&since=" + epoch + ":0 HTTP/1.1\r\nHost: x\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> gateway.disconnects("slow_consumer") > before);
      socket.setSoTimeout(10_000);
      String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(all.contains("event: disconnect\ndata: {\"type\":\"disconnect\",\"code\":4001"),
          all.substring(Math.max(0, all.length() - 300)));
    }
    assertNoSubscriptionLeft();
  }

  /** Streams that ended, however, left no subscription behind (the tests run one at a time). */
  private static void assertNoSubscriptionLeft() {
    Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> gateway.metric("lastmile_subscriptions") == 0);
  }
}
