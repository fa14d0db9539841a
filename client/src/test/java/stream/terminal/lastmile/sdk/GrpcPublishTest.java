package stream.terminal.lastmile.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.grpc.v1.ChannelPosition;
import stream.terminal.lastmile.grpc.v1.Error;
import stream.terminal.lastmile.grpc.v1.HistoryPage;
import stream.terminal.lastmile.grpc.v1.HistoryRequest;
import stream.terminal.lastmile.grpc.v1.IngestGrpcService;
import stream.terminal.lastmile.grpc.v1.Message;
import stream.terminal.lastmile.grpc.v1.PublishAck;
import stream.terminal.lastmile.grpc.v1.PublishRequest;

/** The gRPC side of {@link LastMileClient} against a test's own Ingest service over real HTTP/2 on 127.0.0.1. */
class GrpcPublishTest {
  private Vertx vertx;
  private FakeIngest ingest;
  private LastMileClient client;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    ingest = new FakeIngest(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close().await(10, TimeUnit.SECONDS);
    }
    ingest.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private LastMileClient client(String credential) throws Exception {
    ingest.start();
    ClientOptions options = new ClientOptions().host("127.0.0.1").port(ingest.port()).requestTimeoutMs(5000);
    if (credential != null) {
      options.credential(() -> credential);
    }
    client = LastMileClient.create(vertx, options);
    return client;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static LastMileException failure(Future<?> future) throws Exception {
    try {
      await(future);
    } catch (ExecutionException e) {
      return assertInstanceOf(LastMileException.class, e.getCause());
    }
    throw new AssertionError("the call succeeded");
  }

  private static PublishAck stored(PublishRequest request, long offset) {
    return PublishAck.newBuilder().setSequence(request.getSequence()).setStored(ChannelPosition.newBuilder()
        .setChannel(request.getChannel()).setEpoch("e1").setOffset(offset)).build();
  }

  @Test
  void publishSendsTheCredentialAsBearerMetadataAndReturnsWhereItWasStored() throws Exception {
    AtomicReference<String> authorization = new AtomicReference<>();
    AtomicReference<String> json = new AtomicReference<>();
    ingest.bind(IngestGrpcService.Publish, call -> {
      authorization.set(call.headers().get("authorization"));
      call.handler(request -> {
        json.set(request.getJson());
        call.response().end(stored(request, 7));
      });
    });
    Stored stored = await(client("lmk_secret").publish("prices", "{\"bid\":1.10}"));
    assertEquals(new Stored("prices", "e1", 7), stored);
    assertEquals("Bearer lmk_secret", authorization.get());
    assertEquals("{\"bid\":1.10}", json.get());
  }

  @Test
  void anAnonymousClientSendsNoAuthorization() throws Exception {
    AtomicReference<Boolean> present = new AtomicReference<>();
    ingest.bind(IngestGrpcService.Publish, call -> {
      present.set(call.headers().contains("authorization"));
      call.handler(request -> call.response().end(stored(request, 1)));
    });
    await(client(null).publish("prices", "1"));
    assertFalse(present.get());
  }

  @Test
  void aRefusalCarriesTheWireCodeOfTheTrailer() throws Exception {
    ingest.bind(IngestGrpcService.Publish, call -> call.handler(request -> FakeIngest.refuse(call.response(),
        GrpcStatus.RESOURCE_EXHAUSTED, "limit_exceeded", "channel limit reached (100)")));
    LastMileException e = failure(client("k").publish("prices", "{}"));
    assertEquals("limit_exceeded", e.code()); // not rate_limited, the status's own mapping
    assertEquals("channel limit reached (100)", e.getMessage());
  }

  @Test
  void aStatusWithoutTheTrailerIsMappedToTheCatalog() throws Exception {
    ingest.bind(IngestGrpcService.Publish, call -> call.handler(request ->
        call.response().status(GrpcStatus.RESOURCE_EXHAUSTED).statusMessage("slow down").end()));
    assertEquals("rate_limited", failure(client(null).publish("prices", "{}")).code());
  }

  @Test
  void aNodeThatIsNotThereIsUnavailable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    client = LastMileClient.create(vertx, new ClientOptions().host("127.0.0.1").port(port));
    assertEquals(LastMileException.UNAVAILABLE, failure(client.publish("prices", "{}")).code());
  }

  @Test
  void aNodeThatNeverAnswersFailsTheCallAtItsDeadline() throws Exception {
    ingest.bind(IngestGrpcService.Publish, call -> call.handler(request -> { })); // never answered
    client = LastMileClient.create(vertx, new ClientOptions().host("127.0.0.1").port(ingest.start().port())
        .requestTimeoutMs(300));
    assertEquals(LastMileException.TIMEOUT, failure(client.publish("prices", "{}")).code());
  }

  @Test
  void historyMapsThePage() throws Exception {
    AtomicReference<HistoryRequest> asked = new AtomicReference<>();
    ingest.bind(IngestGrpcService.History, call -> call.handler(request -> {
      asked.set(request);
      call.response().end(HistoryPage.newBuilder().setChannel("prices").setEpoch("e1").setOffset(9)
          .setFirstAvailable(3).addMessages(Message.newBuilder().setChannel("prices").setEpoch("e1").setOffset(5)
              .setTs(1764489600000L).setJson("{\"v\":1}").setKid("signer").setSig("c2ln"))
          .addMessages(Message.newBuilder().setChannel("prices").setEpoch("e1").setOffset(6).setJson("2"))
          .build());
    }));
    History page = await(client(null).history("prices", 4, 2));
    assertEquals(4, asked.get().getAfter());
    assertEquals(2, asked.get().getLimit());
    assertEquals(9, page.offset());
    assertEquals(3, page.firstAvailable());
    assertEquals(List.of(new Received("prices", "e1", 5, 1764489600000L, "{\"v\":1}", "signer", "c2ln"),
        new Received("prices", "e1", 6, 0, "2", null, null)), page.messages());
  }

  @Test
  void aStreamIsAcknowledgedInOrderAndARefusedMessageDoesNotEndIt() throws Exception {
    List<Long> sequences = new CopyOnWriteArrayList<>();
    ingest.bind(IngestGrpcService.PublishStream, call -> {
      long[] offset = {0};
      call.handler(request -> {
        sequences.add(request.getSequence());
        if (request.getChannel().equals("closed")) {
          call.response().write(PublishAck.newBuilder().setSequence(request.getSequence())
              .setError(Error.newBuilder().setCode("channel_not_found").setMessage("no such channel: closed"))
              .build());
        } else {
          call.response().write(stored(request, ++offset[0]));
        }
      });
      call.endHandler(v -> call.response().end());
    });
    PublishStream stream = client(null).openStream();
    List<Future<Stored>> acks = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      acks.add(stream.send(i == 50 ? "closed" : "prices", "{\"n\":" + i + "}"));
    }
    await(stream.close());
    long expected = 0;
    for (int i = 0; i < 200; i++) {
      if (i == 50) {
        assertEquals("channel_not_found", failure(acks.get(i)).code());
      } else {
        assertEquals(++expected, await(acks.get(i)).offset());
      }
    }
    List<Long> inOrder = new ArrayList<>();
    for (long n = 1; n <= 200; n++) {
      inOrder.add(n);
    }
    assertEquals(inOrder, sequences);
    assertEquals(0, stream.inFlight());
  }

  @Test
  void aFullWindowTurnsWriteQueueFullUntilAcksComeBack() throws Exception {
    ConcurrentLinkedQueue<PublishRequest> held = new ConcurrentLinkedQueue<>();
    AtomicReference<GrpcServerRequest<PublishRequest, PublishAck>> callRef = new AtomicReference<>();
    CompletableFuture<Void> windowReached = new CompletableFuture<>();
    ingest.bind(IngestGrpcService.PublishStream, call -> {
      callRef.set(call);
      call.handler(request -> {
        held.add(request); // not acknowledged until the test says so
        if (held.size() == 8) {
          windowReached.complete(null);
        }
      });
      call.endHandler(v -> call.response().end());
    });
    client = LastMileClient.create(vertx, new ClientOptions().host("127.0.0.1").port(ingest.start().port())
        .streamWindow(8));
    PublishStream stream = client.openStream();
    List<Future<Stored>> acks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      acks.add(stream.send("prices", String.valueOf(i)));
    }
    assertTrue(stream.writeQueueFull());
    CompletableFuture<Void> drained = new CompletableFuture<>();
    stream.drainHandler(v -> drained.complete(null));
    windowReached.get(10, TimeUnit.SECONDS);
    assertFalse(drained.isDone());
    GrpcServerRequest<PublishRequest, PublishAck> call = callRef.get();
    vertx.runOnContext(v -> {
      long offset = 0;
      for (PublishRequest request; (request = held.poll()) != null; ) {
        call.response().write(stored(request, ++offset));
      }
    });
    drained.get(10, TimeUnit.SECONDS);
    assertFalse(stream.writeQueueFull());
    assertEquals(8, await(acks.get(7)).offset());
    await(stream.close());
  }

  @Test
  void aStreamEndedByTheNodeFailsWhatWasNotAcknowledgedWithItsCode() throws Exception {
    ingest.bind(IngestGrpcService.PublishStream, call -> {
      long[] count = {0};
      call.handler(request -> {
        if (++count[0] <= 2) {
          call.response().write(stored(request, count[0]));
        } else if (count[0] == 3) {
          FakeIngest.refuse(call.response(), GrpcStatus.UNAUTHENTICATED, "token_expired", "the token has expired");
        }
      });
    });
    PublishStream stream = client("k").openStream();
    Future<Stored> first = stream.send("prices", "1");
    Future<Stored> second = stream.send("prices", "2");
    Future<Stored> third = stream.send("prices", "3");
    assertEquals(1, await(first).offset());
    assertEquals(2, await(second).offset());
    assertEquals("token_expired", failure(third).code());
    assertEquals("token_expired", failure(stream.close()).code());
    assertEquals("token_expired", failure(stream.send("prices", "4")).code()); // a send after the end: its cause
  }

  @Test
  void aCredentialThatIsNotATokenIsRefusedWithoutBeingSent() throws Exception {
    AtomicReference<Boolean> called = new AtomicReference<>(false);
    ingest.bind(IngestGrpcService.Publish, call -> called.set(true));
    LastMileException e = failure(client("two words").publish("prices", "{}"));
    assertEquals("invalid_token", e.code());
    assertFalse(e.getMessage().contains("two words"));
    assertFalse(called.get());
    assertNull(e.getCause());
  }
}
