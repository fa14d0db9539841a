package stream.terminal.lastmile.grpc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import stream.terminal.lastmile.core.Signed;
import stream.terminal.lastmile.grpc.v1.ChannelPosition;
import stream.terminal.lastmile.grpc.v1.CreateChannelRequest;
import stream.terminal.lastmile.grpc.v1.HistoryPage;
import stream.terminal.lastmile.grpc.v1.HistoryRequest;
import stream.terminal.lastmile.grpc.v1.Message;
import stream.terminal.lastmile.grpc.v1.PublishAck;
import stream.terminal.lastmile.grpc.v1.PublishRequest;
import stream.terminal.lastmile.grpc.v1.Signature;
import stream.terminal.lastmile.grpc.v1.SubscribeRequest;
import stream.terminal.lastmile.support.GrpcClients;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.Keys;
import stream.terminal.lastmile.support.Signing;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * The gRPC ingest API with grpc-java clients against a running node: its listener "private" serves gRPC to
 * anyone on loopback, "guarded" requires a credential; edge subscribers receive over WebSocket.
 */
class GrpcIngestTest {
  private static final String FEED_KEY = Keys.apiKey();
  private static final int MAX_DATA_BYTES = 1024;
  private static TestGateway gateway;
  private static GrpcClients grpc;
  private static GrpcClients guarded;

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway();
    gateway.config().put("identity", Signing.identity().put("api_keys", new JsonArray().add(new JsonObject()
        .put("id", "feed").put("hash", Keys.hash(FEED_KEY)).put("channels", new JsonArray().add("open.*")))));
    gateway.config().put("channels", new JsonObject().put("patterns", new JsonArray()
        .add(new JsonObject().put("pattern", "open.*").put("create_on_publish", true))
        .add(new JsonObject().put("pattern", "signed.*").put("create_on_publish", true).put("signatures", "required"))
        .add(new JsonObject().put("pattern", "short.*").put("create_on_publish", true).put("backlog_size", 5))
        .add(new JsonObject().put("pattern", "keep.*").put("backlog_size", 100_000))));
    gateway.listenerConfig("private").put("grpc", true)
        .put("permissions", new JsonArray().add("create").add("publish").add("subscribe"));
    gateway.limits("private").put("max_data_bytes", MAX_DATA_BYTES);
    gateway.config().getJsonArray("listeners").add(new JsonObject().put("name", "guarded").put("role", "ingest")
        .put("host", "127.0.0.1").put("port", 0).put("grpc", true).put("require_identity", true));
    gateway.start();
    grpc = new GrpcClients(gateway.ingestPort());
    guarded = new GrpcClients(gateway.node().port("guarded"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (grpc != null) {
      grpc.close();
      guarded.close();
    }
    gateway.close();
  }

  private static PublishRequest json(String channel, String json, long sequence) {
    return PublishRequest.newBuilder().setChannel(channel).setJson(json).setSequence(sequence).build();
  }

  private static ChannelPosition create(String channel) {
    return grpc.blocking().createChannel(CreateChannelRequest.newBuilder().setChannel(channel).build());
  }

  private static HistoryPage history(String channel, long after, int limit) {
    return grpc.blocking().history(HistoryRequest.newBuilder().setChannel(channel).setAfter(after).setLimit(limit).build());
  }

  /** Asserts that {@code call} is refused with {@code status} and the trailer {@code code}. */
  private static void refused(Status.Code status, String code, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(status, GrpcClients.status(e), e.toString());
    assertEquals(code, GrpcClients.errorCode(e), e.toString());
  }

  @Test
  void createPublishAndHistoryBesideTheHttpApi() throws Exception {
    ChannelPosition created = create("open.unary");
    assertEquals("open.unary", created.getChannel());
    assertFalse(created.getEpoch().isEmpty());
    refused(Status.Code.ALREADY_EXISTS, "channel_exists", () -> create("open.unary"));

    PublishAck first = grpc.blocking().publish(json("open.unary", "{\"a\": 1}", 7));
    assertEquals(7, first.getSequence());
    assertEquals(created.getEpoch(), first.getStored().getEpoch());
    assertEquals(1, first.getStored().getOffset());
    assertEquals(2, grpc.blocking().publish(json("open.unary", " {\"b\" : [1, 2]} ", 8)).getStored().getOffset());

    HistoryPage page = history("open.unary", 0, 0);
    assertEquals(2, page.getOffset());
    assertEquals(1, page.getFirstAvailable());
    assertEquals(List.of("{\"a\":1}", "{\"b\":[1,2]}"), page.getMessagesList().stream().map(Message::getJson).toList());
    HistoryPage second = history("open.unary", 1, 1);
    assertEquals(1, second.getMessagesCount());
    assertEquals(2, second.getMessages(0).getOffset());
    refused(Status.Code.NOT_FOUND, "channel_not_found", () -> history("open.none", 0, 0));
    // the same listener still serves the HTTP API: over HTTP/1.1, and over HTTP/2 to a client that upgrades (h2c)
    assertTrue(Http.get(gateway.ingestPort(), "/channels").body().contains("open.unary"));
    HttpClient upgrading = HttpClient.newHttpClient();
    HttpResponse<String> channels = upgrading.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + gateway.ingestPort() + "/channels")).build(), BodyHandlers.ofString());
    assertEquals(HttpClient.Version.HTTP_2, channels.version());
    assertTrue(channels.body().contains("open.unary"));
  }

  @Test
  void aPublishStreamOfTenThousandIsAcknowledgedAndDeliveredInOrder() throws Exception {
    int count = 10_000;
    String channel = "open.bulk";
    create(channel);
    try (WsClient subscriber = gateway.edge()) {
      WsClient.assertResult(subscriber.request("subscribe", channel));
      List<PublishRequest> requests = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        requests.add(json(channel, "{\"i\":" + i + "}", i));
      }
      List<PublishAck> acks = grpc.publishStream(requests);
      assertEquals(count, acks.size());
      for (int i = 0; i < count; i++) {
        assertEquals(i, acks.get(i).getSequence());
        assertEquals(i + 1, acks.get(i).getStored().getOffset(), "ack " + i);
      }
      for (int i = 0; i < count; i++) {
        JsonObject message = subscriber.nextMessage();
        assertEquals(i + 1, message.getLong("offset"));
        assertEquals(i, message.getJsonObject("data").getInteger("i"));
      }
    }
  }

  @Test
  void aStreamCancelledMidwayKeepsEverythingAcknowledged() throws Exception {
    String channel = "keep.cancelled";
    create(channel);
    try (WsClient subscriber = gateway.edge()) {
      WsClient.assertResult(subscriber.request("subscribe", channel));
      int sent = 5000;
      int cancelAt = 500;
      List<PublishAck> acks = new ArrayList<>();
      CompletableFuture<Throwable> ended = new CompletableFuture<>();
      ClientResponseObserver<PublishRequest, PublishAck> observer = new ClientResponseObserver<>() {
        private ClientCallStreamObserver<PublishRequest> requestStream;

        @Override
        public void beforeStart(ClientCallStreamObserver<PublishRequest> stream) {
          requestStream = stream;
        }

        @Override
        public void onNext(PublishAck ack) {
          acks.add(ack);
          if (acks.size() == cancelAt) {
            requestStream.cancel("enough", null);
          }
        }

        @Override
        public void onError(Throwable t) {
          ended.complete(t);
        }

        @Override
        public void onCompleted() {
          ended.complete(null);
        }
      };
      StreamObserver<PublishRequest> requests = grpc.async(null).publishStream(observer);
      for (int i = 0; i < sent; i++) {
        requests.onNext(json(channel, "{\"i\":" + i + "}", i));
      }
      Throwable end = ended.get(30, TimeUnit.SECONDS);
      assertEquals(Status.Code.CANCELLED, Status.fromThrowable(end).getCode());
      assertEquals(cancelAt, acks.size());
      long lastAcked = acks.get(cancelAt - 1).getStored().getOffset();
      assertEquals(cancelAt, lastAcked);

      // everything acknowledged is stored and delivered, in order (what was sent after it may or may not be)
      HistoryPage stored = history(channel, 0, cancelAt);
      assertEquals(cancelAt, stored.getMessagesCount());
      for (int i = 0; i < cancelAt; i++) {
        assertEquals("{\"i\":" + i + "}", stored.getMessages(i).getJson());
        JsonObject message = subscriber.nextMessage();
        assertEquals(i + 1, message.getLong("offset"));
        assertEquals(i, message.getJsonObject("data").getInteger("i"));
      }
      // and the node goes on: the channel takes the next publish after whatever the cancelled stream left
      assertEquals(200, Http.get(gateway.ingestPort(), "/health").status());
      long next = grpc.blocking().publish(json(channel, "{\"after\":true}", 0)).getStored().getOffset();
      assertTrue(next > lastAcked, next + " after " + lastAcked);
    }
  }

  @Test
  void anExceededDeadlineEndsTheSubscriptionAndReleasesIt() throws Exception {
    String channel = "open.deadline";
    create(channel);
    // the subscribers of earlier tests are closed, and released on the node's side soon after
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.metric("lastmile_subscriptions") == 0);
    Iterator<Message> messages = grpc.blocking().withDeadlineAfter(300, TimeUnit.MILLISECONDS)
        .subscribe(SubscribeRequest.newBuilder().setChannel(channel).build());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, messages::hasNext);
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.metric("lastmile_subscriptions") == 0);
    assertEquals(1, grpc.blocking().publish(json(channel, "1", 0)).getStored().getOffset());
  }

  @Test
  void aCallWithoutACredentialOnARequireIdentityListenerIsUnauthenticated() {
    refused(Status.Code.UNAUTHENTICATED, "unauthenticated", () -> guarded.blocking().publish(json("open.g", "1", 0)));
    refused(Status.Code.UNAUTHENTICATED, "unauthenticated",
        () -> guarded.blocking().createChannel(CreateChannelRequest.newBuilder().setChannel("open.g").build()));
  }

  @Test
  void aBadApiKeyIsRefusedAndAKeyPublishesOnlyOnItsChannels() {
    refused(Status.Code.UNAUTHENTICATED, "invalid_token",
        () -> guarded.blocking("lm_not-a-key-at-all").publish(json("open.k", "1", 0)));
    refused(Status.Code.PERMISSION_DENIED, "permission_denied",
        () -> guarded.blocking(FEED_KEY).publish(json("signed.k", "1", 0)));
    assertEquals(1, guarded.blocking(FEED_KEY).publish(json("open.k", "1", 0)).getStored().getOffset());
  }

  @Test
  void payloadRefusalsStoreNothing() throws Exception {
    String channel = "open.refused";
    create(channel);
    double tooLarge = errors("too_large");
    refused(Status.Code.RESOURCE_EXHAUSTED, "too_large",
        () -> grpc.blocking().publish(json(channel, "\"" + "x".repeat(MAX_DATA_BYTES) + "\"", 0)));
    // past what a request message may hold at all: not even read
    refused(Status.Code.RESOURCE_EXHAUSTED, "too_large",
        () -> grpc.blocking().publish(json(channel, "\"" + "x".repeat(MAX_DATA_BYTES + 8192) + "\"", 0)));
    refused(Status.Code.INVALID_ARGUMENT, "bad_request", () -> grpc.blocking().publish(json(channel, "{nope", 0)));
    refused(Status.Code.INVALID_ARGUMENT, "bad_request",
        () -> grpc.blocking().publish(PublishRequest.newBuilder().setChannel(channel).build()));
    // a node without descriptor sets knows no Protobuf type (GrpcProtobufTest: one with them)
    refused(Status.Code.INVALID_ARGUMENT, "unknown_type", () -> grpc.blocking().publish(PublishRequest.newBuilder()
        .setChannel(channel).setAny(com.google.protobuf.Any.newBuilder().setTypeUrl("type.googleapis.com/x.Y")).build()));
    refused(Status.Code.INVALID_ARGUMENT, "bad_request", () -> grpc.blocking().publish(json("no spaces", "1", 0)));
    assertEquals(0, history(channel, 0, 0).getMessagesCount());
    assertEquals(tooLarge + 2, errors("too_large"));
  }

  /** Refusals counted with this code, whatever the surface. */
  private static double errors(String code) throws Exception {
    return gateway.metric("lastmile_errors_total{code=\"" + code + "\"}");
  }

  @Test
  void signaturesAreCheckedAsOnEveryPublish() {
    String channel = "signed.g";
    long ts = System.currentTimeMillis();
    Signed good = Signing.sign(channel, "{\"v\":1}", ts);
    Signature signature = Signature.newBuilder().setTs(ts).setKid(good.signature().kid()).setSig(good.signature().sig()).build();
    refused(Status.Code.INVALID_ARGUMENT, "bad_signature", () -> grpc.blocking().publish(json(channel, "{\"v\":1}", 0)));
    refused(Status.Code.INVALID_ARGUMENT, "bad_signature", () -> grpc.blocking()
        .publish(json(channel, "{\"v\":2}", 0).toBuilder().setSignature(signature).build()));
    PublishAck ack = grpc.blocking().publish(json(channel, "{ \"v\": 1 }", 0).toBuilder().setSignature(signature).build());
    Message stored = history(channel, 0, 0).getMessages(0);
    assertEquals(ack.getStored().getOffset(), stored.getOffset());
    assertEquals(ts, stored.getTs());
    assertEquals(Signing.KID, stored.getKid());
    assertEquals(good.signature().sig(), stored.getSig());
  }

  @Test
  void aRefusedMessageOnAStreamGetsItsErrorAndTheStreamGoesOn() throws Exception {
    String channel = "open.mixed";
    List<PublishAck> acks = grpc.publishStream(List.of(json(channel, "1", 1), json(channel, "{broken", 2),
        json("signed.mixed", "3", 3), json(channel, "4", 4)));
    assertEquals(List.of(1L, 2L, 3L, 4L), acks.stream().map(PublishAck::getSequence).toList());
    assertEquals(1, acks.get(0).getStored().getOffset());
    assertEquals("bad_request", acks.get(1).getError().getCode());
    assertEquals("bad_signature", acks.get(2).getError().getCode());
    assertEquals(2, acks.get(3).getStored().getOffset());
  }

  @Test
  void anEdgeListenerDoesNotSpeakHttp2() throws Exception {
    try (GrpcClients edge = new GrpcClients(gateway.edgePort())) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> edge.blocking().createChannel(CreateChannelRequest.newBuilder().setChannel("open.edge").build()));
      assertNotEquals(Status.Code.OK, e.getStatus().getCode());
      assertEquals(null, GrpcClients.errorCode(e));
    }
    refused(Status.Code.NOT_FOUND, "channel_not_found", () -> history("open.edge", 0, 0));
  }
}
