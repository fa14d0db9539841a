package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertError;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.support.HeldLookups;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * A subscribe whose registry lookup is still in flight (as in a cluster) when the same connection unsubscribes,
 * or subscribes again: the lookup's late answer must neither attach a subscription the client gave up nor drop
 * the newer one. The lookup is held by the test and let go at a chosen point: no timing involved.
 */
class SubscribeLookupRaceTest {
  private final TestGateway gateway = new TestGateway();
  private HeldLookups registry;

  @AfterEach
  void tearDown() throws Exception {
    gateway.close();
  }

  private void start() throws Exception {
    gateway.registryView(real -> registry = HeldLookups.wrap(real)).start();
  }

  private static JsonObject command(String op, String channel, long id) {
    return new JsonObject().put("op", op).put("channel", channel).put("id", id);
  }

  private double channelsConsumed() throws Exception {
    return gateway.metric("lastmile_channels_consumed");
  }

  @Test
  void unsubscribeDuringTheLookupLeavesNothingAttached() throws Exception {
    start();
    try (WsClient publisher = gateway.ingest(); WsClient client = gateway.edge()) {
      publisher.request("create", "race.a");
      HeldLookups.Held lookup = registry.holdNext("race.a");
      client.send(command("subscribe", "race.a", 1));
      lookup.awaitAsked();
      JsonObject unsubscribed = client.request("unsubscribe", "race.a");
      assertTrue(unsubscribed.getJsonObject("result").getBoolean("was_subscribed"));
      lookup.release();
      assertError("cancelled", client.replyTo(1));
      // the subscription would have been attached (and the channel consumed) before any reply was written
      assertEquals(0.0, channelsConsumed(), "the node consumes a channel nobody subscribes to");
      // the connection can still subscribe for real
      assertResult(client.request("subscribe", "race.a"));
      assertEquals(1.0, channelsConsumed());
    }
  }

  @Test
  void aFailedLookupDoesNotDropTheNewerSubscription() throws Exception {
    start();
    try (WsClient publisher = gateway.ingest(); WsClient client = gateway.edge()) {
      publisher.request("create", "race.b");
      HeldLookups.Held first = registry.holdNext("race.b");
      client.send(command("subscribe", "race.b", 1));
      first.awaitAsked();
      assertResult(client.request("unsubscribe", "race.b"));
      assertResult(client.request("subscribe", "race.b"));
      first.fail(new GatewayException(ErrorCode.INTERNAL, "registry unavailable"));
      assertError("internal", client.replyTo(1));
      assertResult(publisher.request(new JsonObject().put("op", "publish").put("channel", "race.b").put("data", 7)));
      assertEquals(7, client.nextMessage().getInteger("data"), "the newer subscription still receives");
    }
  }
}
