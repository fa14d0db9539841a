package stream.terminal.lastmile.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import stream.terminal.lastmile.support.TestGateway;

/**
 * The harness's smoke test, as CI runs it: the small scenarios against a real node, through real sockets. Only
 * completeness is asserted (every published message reached every subscriber); figures never are.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoadGeneratorTest {
  private TestGateway gateway;
  private Vertx generator;

  @BeforeEach
  void start() throws Exception {
    gateway = new TestGateway().start();
    generator = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    generator.close().await(30, TimeUnit.SECONDS);
    gateway.close();
  }

  private JsonObject run(String... extra) throws Exception {
    return runOver("ws://127.0.0.1:" + gateway.edgePort() + "/", extra);
  }

  /** A run whose subscribers connect to {@code subscribe} (with {@code --transport} in {@code extra}). */
  private JsonObject runOver(String subscribe, String... extra) throws Exception {
    String[] base = {
        "--subscribe", subscribe,
        "--publish", "http://127.0.0.1:" + gateway.ingestPort() + "/channels/{c}/messages",
        "--create", "http://127.0.0.1:" + gateway.ingestPort() + "/channels/{c}",
        "--warmup", "1", "--duration", "2"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return new LoadGenerator(generator, LoadSettings.parse(args)).run();
  }

  @Test
  void fanoutDeliversEveryMessageToEverySubscriber() throws Exception {
    JsonObject result = run("--scenario", "fanout", "--subscribers", "200");

    assertTrue(result.getLong("published") > 0, result.encode());
    assertEquals(result.getLong("published") * 200, result.getLong("expected"), result.encode());
    assertEquals(result.getLong("expected"), result.getLong("delivered"), result.encode());
    assertEquals(0, result.getLong("lost"), result.encode());
    assertEquals(0, result.getLong("errors"), result.encode());
    assertTrue(result.getLong("latency_samples") > 0, result.encode());
  }

  @Test
  void freshMeasuresFromTheFirstPublishWithoutAWarmup() throws Exception {
    // the scenario's own small size: 100 subscribers, 20 msgs/s, no warm-up, 3 s
    JsonObject result = new LoadGenerator(generator, LoadSettings.parse(new String[] {
        "--scenario", "fresh",
        "--subscribe", "ws://127.0.0.1:" + gateway.edgePort() + "/",
        "--publish", "http://127.0.0.1:" + gateway.ingestPort() + "/channels/{c}/messages",
        "--create", "http://127.0.0.1:" + gateway.ingestPort() + "/channels/{c}"})).run();

    assertEquals("fresh", result.getString("scenario"));
    assertEquals(0, result.getLong("lost"), result.encode());
    assertEquals(0, result.getLong("errors"), result.encode());
    // every delivery is measured but those of publishes after the window closed (at most one tick's worth)
    assertTrue(result.getLong("latency_samples") >= result.getLong("delivered") - 100, result.encode());
  }

  @Test
  void manyChannelsAndAsFastAsDeliveredLoseNothing() throws Exception {
    JsonObject channels = run("--scenario", "many-channels", "--subscribers", "100", "--channels", "100");
    JsonObject throughput = run("--scenario", "throughput", "--subscribers", "50");

    for (JsonObject result : new JsonObject[] {channels, throughput}) {
      assertTrue(result.getLong("published") > 0, result.encode());
      assertEquals(result.getLong("expected"), result.getLong("delivered"), result.encode());
      assertEquals(0, result.getLong("errors"), result.encode());
    }
  }

  @Test
  void overSseEveryMessageReachesEverySubscriber() throws Exception {
    String sse = "http://127.0.0.1:" + gateway.edgePort() + "/sse";
    JsonObject fanout = runOver(sse, "--scenario", "fanout", "--subscribers", "100", "--transport", "sse");
    // each subscriber's stream carries two channels: its own and the shared one
    JsonObject channels = runOver(sse, "--scenario", "many-channels", "--subscribers", "50", "--channels", "50",
        "--transport", "sse");

    assertEquals("fanout-sse", fanout.getString("scenario"));
    for (JsonObject result : new JsonObject[] {fanout, channels}) {
      assertTrue(result.getLong("published") > 0, result.encode());
      assertEquals(result.getLong("expected"), result.getLong("delivered"), result.encode());
      assertEquals(0, result.getLong("errors"), result.encode());
      assertTrue(result.getLong("latency_samples") > 0, result.encode());
    }
  }

  @Test
  void overTheEventBusBridgeEveryMessageReachesEverySubscriber() throws Exception {
    String bridge = "ws://127.0.0.1:" + gateway.edgePort() + "/eventbus";
    for (String transport : new String[] {"sockjs", "sockjs-xhr", "eventbus"}) {
      JsonObject result = runOver(bridge, "--scenario", "fanout", "--subscribers", "100", "--transport", transport);

      assertEquals("fanout-" + transport, result.getString("scenario"), result.encode());
      assertTrue(result.getLong("published") > 0, result.encode());
      assertEquals(result.getLong("published") * 100, result.getLong("delivered"), result.encode());
      assertEquals(0, result.getLong("errors"), result.encode());
      assertTrue(result.getLong("latency_samples") > 0, result.encode());
    }
  }
}
