package stream.terminal.lastmile.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.TestGateway;

/** The demo feed against a real node: it creates its channel, publishes, waits for a node that is not up yet. */
class IndicatorFeedTest {
  private static final String CHANNEL = "demo.indicator";
  private final TestGateway gateway = new TestGateway();
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

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
    return "http://127.0.0.1:" + gateway.ingestPort();
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
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("publishing " + CHANNEL), log.toString(StandardCharsets.UTF_8));
  }

  @Test
  void waitsForANodeThatIsNotUpYet() throws Exception {
    int port = freePort();
    CompletableFuture<Integer> feed = feed("--ingest", "http://127.0.0.1:" + port, "--count", "3", "--rate", "50");
    await().atMost(10, TimeUnit.SECONDS)
        .until(() -> log.toString(StandardCharsets.UTF_8).contains("waiting for the ingest API"));
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
    String printed = log.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("401") && printed.contains("--token"), printed);

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
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("creating it again"), log.toString(StandardCharsets.UTF_8));
    assertEquals(0, feed.get(30, TimeUnit.SECONDS));
  }

  @Test
  void stopsWhenTheIngestUrlIsWrong() throws Exception {
    gateway.start();
    assertEquals(1, feed("--ingest", ingest() + "/prefix", "--count", "3").get(30, TimeUnit.SECONDS));
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("404"), log.toString(StandardCharsets.UTF_8));
  }

  @Test
  void badArgumentsAreRefusedWithTheirReason() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> IndicatorFeed.Settings.parse("--rate", "0"))
        .getMessage().contains("--rate"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> IndicatorFeed.Settings.parse("--count", "x"))
        .getMessage().contains("number"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> IndicatorFeed.Settings.parse("--ingest", "ftp://h"))
        .getMessage().contains("http"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> IndicatorFeed.Settings.parse("--loud"))
        .getMessage().contains("--loud"));
  }
}
