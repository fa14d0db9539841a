package stream.terminal.lastmile.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import stream.terminal.lastmile.demo.proto.IndicatorPoint;
import stream.terminal.lastmile.grpc.v1.Message;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * The demo feed against a real node with gRPC and the demo's descriptor set, as scripts/run starts it: it creates
 * its channel, streams Protobuf points that subscribers get as the JSON the demo page charts (or as binary frames),
 * waits for a node that is not up yet or restarted, stops on refusals that retrying cannot cure.
 */
class IndicatorFeedTest {
  private static final String CHANNEL = "demo.indicator";
  /** Written by the build (gateway.xml, execution demo-types); scripts/run hands it to the node. */
  private static final String DEMO_TYPES = "target/demo/indicator.desc";
  private final TestGateway gateway = new TestGateway();
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  @BeforeEach
  void configure() {
    gateway.listenerConfig("private").put("grpc", true);
    gateway.config().put("protobuf", new JsonObject().put("descriptor_sets", new JsonArray().add(DEMO_TYPES)));
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
  }

  private CompletableFuture<Integer> feed(String... args) {
    IndicatorFeed feed = new IndicatorFeed(IndicatorFeed.Settings.parse(args), new PrintStream(log, true, StandardCharsets.UTF_8));
    return CompletableFuture.supplyAsync(() -> {
      try {
        return feed.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    });
  }

  private static int freePort() throws Exception {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }

  private String ingest() {
    return "127.0.0.1:" + gateway.ingestPort();
  }

  private String printed() {
    return log.toString(StandardCharsets.UTF_8);
  }

  private JsonArray stored() throws Exception {
    Http.Reply reply = Http.get(gateway.ingestPort(), "/channels/" + CHANNEL + "/messages?since=0&limit=100");
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("messages");
  }

  @Test
  void createsTheChannelAndPublishesPriceAverageAndRsi() throws Exception {
    gateway.start();
    assertEquals(0, feed("--ingest", ingest(), "--count", "30", "--rate", "200", "--seed", "7").get(30, TimeUnit.SECONDS));

    JsonArray messages = stored();
    assertEquals(30, messages.size());
    for (int i = 0; i < messages.size(); i++) {
      JsonObject data = messages.getJsonObject(i).getJsonObject("data");
      assertEquals(i + 1, data.getLong("tick"));
      assertEquals("DEMO", data.getString("symbol"));
      double price = data.getDouble("price");
      assertTrue(price > 50 && price < 200, data.encode());
      // the 20-tick average from the 20th price, the 14-change RSI from the 15th
      assertEquals(i >= 19, data.getValue("sma") != null, data.encode());
      assertEquals(i >= 14, data.getValue("rsi") != null, data.encode());
      if (i >= 14) {
        double rsi = data.getDouble("rsi");
        assertTrue(rsi >= 0 && rsi <= 100, data.encode());
      }
    }
    assertTrue(printed().contains("publishing " + CHANNEL) && printed().contains("over gRPC"), printed());
  }

  @Test
  void subscribersGetTheJsonThePageChartsOrTheBinaryFormOnRequest() throws Exception {
    gateway.start();
    try (WsClient json = gateway.edge(); WsClient binary = gateway.edge()) {
      // the channel is there before the feed starts (it takes channel_exists as success), so both see every point
      assertEquals(201, Http.put(gateway.ingestPort(), "/channels/" + CHANNEL).status());
      assertResult(json.request(new JsonObject().put("op", "subscribe").put("channel", CHANNEL)));
      assertResult(binary.request(new JsonObject().put("op", "subscribe").put("channel", CHANNEL)
          .put("format", "protobuf")));
      assertEquals(0, feed("--ingest", ingest(), "--count", "25", "--rate", "200", "--seed", "3")
          .get(30, TimeUnit.SECONDS));

      for (int tick = 1; tick <= 25; tick++) {
        JsonObject data = json.nextMessage().getJsonObject("data");
        // what edge/demo/demo.js reads: finite numbers under price, sma and rsi; no sma or rsi before they exist
        assertEquals(Set.of("symbol", "tick", "price", "sma", "rsi").stream().filter(data::containsKey).count(),
            data.size(), data.encode());
        assertEquals(tick, data.getValue("tick"), data.encode());
        assertTrue(data.getValue("price") instanceof Double, data.encode());
        assertEquals(tick >= 20, data.getValue("sma") instanceof Double, data.encode());
        assertEquals(tick >= 15, data.getValue("rsi") instanceof Double, data.encode());

        Message message = Message.parseFrom(binary.nextBinary());
        assertEquals(tick, message.getOffset());
        IndicatorPoint point = message.getAny().unpack(IndicatorPoint.class);
        assertEquals(tick, point.getTick());
        assertEquals(data.getDouble("price"), point.getPrice());
        assertEquals(tick >= 20, point.hasSma());
      }
    }
  }

  @Test
  void waitsForANodeThatIsNotUpYet() throws Exception {
    int port = freePort();
    CompletableFuture<Integer> feed = feed("--ingest", "127.0.0.1:" + port, "--count", "3", "--rate", "50");
    await().atMost(10, TimeUnit.SECONDS).until(() -> printed().contains("waiting for the gRPC ingest API"));
    gateway.listenerConfig("private").put("port", port);
    gateway.start();
    assertEquals(0, feed.get(30, TimeUnit.SECONDS));
    assertEquals(3, stored().size());
  }

  @Test
  void stopsWhenTheIngestApiRefusesItForGood() throws Exception {
    gateway.listenerConfig("private").put("auth_tokens", new JsonArray().add("feed-token-1234"));
    gateway.start();
    assertEquals(1, feed("--ingest", ingest(), "--count", "3").get(30, TimeUnit.SECONDS));
    assertTrue(printed().contains("unauthenticated") && printed().contains("--token"), printed());

    log.reset();
    assertEquals(0, feed("--ingest", ingest(), "--count", "2", "--rate", "50", "--token", "feed-token-1234")
        .get(30, TimeUnit.SECONDS));
  }

  @Test
  void createsTheChannelAgainAfterTheNodeRestarts() throws Exception {
    gateway.listenerConfig("private").put("port", freePort());
    gateway.start();
    CompletableFuture<Integer> feed = feed("--ingest", ingest(), "--count", "1000", "--rate", "100");
    await().atMost(10, TimeUnit.SECONDS).until(() -> stored().size() >= 3);
    // a restarted node on the same port has forgotten the channel
    gateway.stop();
    gateway.start();
    await().atMost(20, TimeUnit.SECONDS).until(() -> Http.get(gateway.ingestPort(),
        "/channels/" + CHANNEL + "/messages?since=0&limit=1").status() == 200);
    assertTrue(printed().contains("creating it again") || printed().contains("waiting for"), printed());
    assertEquals(0, feed.get(30, TimeUnit.SECONDS));
  }

  @Test
  void stopsWhenTheNodeDoesNotKnowTheDemoType() throws Exception {
    gateway.config().remove("protobuf");
    gateway.start();
    assertEquals(1, feed("--ingest", ingest(), "--count", "3").get(30, TimeUnit.SECONDS));
    assertTrue(printed().contains("unknown_type") && printed().contains("descriptor set"), printed());
    assertEquals(0, stored().size(), "nothing stored");
  }

  @Test
  void badArgumentsAreRefusedWithTheirReason() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> IndicatorFeed.Settings.parse("--rate", "0"))
        .getMessage().contains("--rate"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> IndicatorFeed.Settings.parse("--count", "x"))
        .getMessage().contains("number"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> IndicatorFeed.Settings.parse("--ingest", "http://127.0.0.1:8081")).getMessage().contains("HOST:PORT"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> IndicatorFeed.Settings.parse("--ingest", "h:0"))
        .getMessage().contains("HOST:PORT"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> IndicatorFeed.Settings.parse("--loud"))
        .getMessage().contains("--loud"));
  }
}
