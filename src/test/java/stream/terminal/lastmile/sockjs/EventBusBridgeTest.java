package stream.terminal.lastmile.sockjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.bus.Addresses;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.SockJsPolling;

/**
 * The event-bus bridge dialect at {@code /eventbus} on a real node, over SockJS's xhr-polling transport: register subscribes through the
 * session core, with resume; send and publish are refused; nothing a client sends registers on or reaches the
 * node's event bus.
 */
class EventBusBridgeTest {
  private static final String CHANNEL = "prices";
  private TestGateway gateway;
  private SockJsPolling client;

  @BeforeEach
  void start() throws Exception {
    gateway = new TestGateway();
    gateway.config().put("channels", new JsonObject().put("declare", new JsonArray().add(CHANNEL)));
    gateway.start();
    client = SockJsPolling.open(gateway.edgePort(), "/eventbus");
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
  }

  @Test
  void registerReceivesMessagesAsRecFrames() throws Exception {
    registerFromStart();
    JsonObject stored = publish("{\"price\":1.10}");
    JsonObject rec = client.next();
    assertEquals("rec", rec.getString("type"));
    assertEquals(CHANNEL, rec.getString("address"));
    assertEquals(new JsonObject().put("price", 1.10), rec.getJsonObject("body"));
    JsonObject headers = rec.getJsonObject("headers");
    assertEquals(CHANNEL, headers.getString("channel"));
    assertEquals(stored.getString("epoch"), headers.getString("epoch"));
    assertEquals("1", headers.getString("offset"));
    assertTrue(Long.parseLong(headers.getString("ts")) > 0);
  }

  @Test
  void registerWithEpochAndOffsetResumesThroughTheBacklog() throws Exception {
    String epoch = publish("1").getString("epoch");
    publish("2");
    publish("3");
    register(CHANNEL, new JsonObject().put("epoch", epoch).put("offset", "1"));
    assertEquals("2", client.next().getJsonObject("headers").getString("offset"));
    assertEquals("3", client.next().getJsonObject("headers").getString("offset"));
    publish("4");
    assertEquals(4, client.next().getInteger("body"));
  }

  @Test
  void registerWithSinceResumesAndSaysSoWhenItCannotRecover() throws Exception {
    publish("1");
    register(CHANNEL, new JsonObject().put("since", "another-epoch:5"));
    JsonObject gap = client.next();
    assertEquals("err", gap.getString("type"));
    assertEquals(CHANNEL, gap.getString("address"));
    assertEquals("not_recovered", gap.getString("failureType"));
    publish("2");
    JsonObject rec = client.next();
    assertEquals("rec", rec.getString("type"));
    assertEquals("2", rec.getJsonObject("headers").getString("offset"));
  }

  @Test
  void refusalsAreErrFramesAddressedToTheChannel() throws Exception {
    register("missing", null);
    assertError("missing", "channel_not_found", client.next());
    register(CHANNEL, new JsonObject().put("epoch", "e"));
    assertError(CHANNEL, "bad_request", client.next());
    register("bad name!", null);
    assertError("bad name!", "bad_request", client.next());
  }

  @Test
  void unregisterStopsDelivery() throws Exception {
    registerFromStart();
    publish("1");
    assertEquals(1, client.next().getInteger("body"));
    client.send(new JsonObject().put("type", "unregister").put("address", CHANNEL));
    register("missing", null); // answered after the unregister is done
    assertError("missing", "channel_not_found", client.next());
    publish("2");
    register("missing", null); // a frame that must come after anything of the channel
    assertError("missing", "channel_not_found", client.next());
  }

  @Test
  void sendAndPublishAreRefusedAndReachNothing() throws Exception {
    List<Object> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    gateway.node().vertx().eventBus().consumer(Addresses.channel(CHANNEL), m -> received.add(m.body()))
        .completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    client.send(new JsonObject().put("type", "publish").put("address", Addresses.channel(CHANNEL)).put("body", 1));
    assertError(Addresses.channel(CHANNEL), "permission_denied", client.next());
    client.send(new JsonObject().put("type", "send").put("address", Addresses.channel(CHANNEL)).put("body", 2)
        .put("replyAddress", "reply-1"));
    assertError("reply-1", "permission_denied", client.next());
    client.send(new JsonObject().put("type", "send").put("address", CHANNEL).put("body", 3));
    assertError(CHANNEL, "permission_denied", client.next());
    // the bus's own messages of the channel still arrive in order after the refusals: none of the client's did
    assertEquals(List.of(), received);
  }

  @Test
  void internalAddressesCannotBeRegistered() throws Exception {
    String[] internal = {Addresses.channel(CHANNEL), "__vertx.reply.1234", "__vertx.sockjs.writer", ""};
    for (String address : internal) {
      register(address, null);
      JsonObject err = client.next();
      assertEquals("err", err.getString("type"), err.encode());
    }
    for (String address : internal) {
      if (!address.isEmpty()) {
        assertNoConsumer(address);
        gateway.node().vertx().eventBus().publish(address, new JsonObject().put("leak", true));
      }
    }
    // nothing published on those addresses reaches the client: the next frame is the answer to this one
    register("missing", null);
    assertError("missing", "channel_not_found", client.next());
  }

  @Test
  void junkGetsTheBridgesErrors() throws Exception {
    client.send(new JsonObject().put("type", "register"));
    assertEquals("missing_address", client.next().getString("body"));
    client.send(new JsonObject().put("type", "what").put("address", "x"));
    assertEquals("invalid_type", client.next().getString("body"));
  }

  /**
   * Registers from offset 0 of the channel's epoch: a register has no reply, so this is how a test knows every
   * message it publishes next arrives, however soon after the register the node sees it.
   */
  private void registerFromStart() throws Exception {
    Http.Reply page = Http.get(gateway.ingestPort(), "/channels/" + CHANNEL + "/messages?since=0");
    assertEquals(200, page.status(), page.body());
    register(CHANNEL, new JsonObject().put("epoch", page.json().getString("epoch")).put("offset", 0));
  }

  private void assertNoConsumer(String address) throws Exception {
    try {
      gateway.node().vertx().eventBus().request(address, "probe").toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      throw new AssertionError("something answered on " + address);
    } catch (ExecutionException e) {
      ReplyException reply = assertInstanceOf(ReplyException.class, e.getCause());
      assertEquals(ReplyFailure.NO_HANDLERS, reply.failureType(), address);
    }
  }

  private void register(String address, JsonObject headers) throws Exception {
    JsonObject frame = new JsonObject().put("type", "register").put("address", address);
    if (headers != null) {
      frame.put("headers", headers);
    }
    client.send(frame);
  }

  private JsonObject publish(String data) throws Exception {
    Http.Reply reply = Http.post(gateway.ingestPort(), "/channels/" + CHANNEL + "/messages", data);
    assertEquals(200, reply.status(), reply.body());
    return reply.json();
  }

  private static void assertError(String address, String code, JsonObject err) {
    assertEquals("err", err.getString("type"), err.encode());
    assertEquals(address, err.getString("address"), err.encode());
    assertEquals(code, err.getString("failureType"), err.encode());
    assertNull(err.getValue("body"), err.encode());
  }
}
