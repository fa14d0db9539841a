package stream.terminal.lastmile.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.GrpcStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.grpc.v1.ChannelPosition;
import stream.terminal.lastmile.grpc.v1.IngestGrpcService;
import stream.terminal.lastmile.grpc.v1.PublishAck;
import stream.terminal.lastmile.grpc.v1.PublishRequest;

/**
 * Exactly once from the client's side, against a test's own node over real sockets: every publish carries an
 * idempotency key; one whose outcome is unknown (an {@code unavailable} answer with stored unknown, a connection
 * lost mid-request) is sent again with the same key, and a duplicate answer is success; a definite refusal is
 * not retried.
 */
class PublishRetryTest {
  private Vertx vertx;
  private LastMileClient client;
  private HttpServer http;
  private FakeIngest grpc;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close().await(10, TimeUnit.SECONDS);
    }
    if (grpc != null) {
      grpc.close();
    }
    if (http != null) {
      http.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private LastMileClient client(int port) {
    client = LastMileClient.create(vertx, new ClientOptions().host("127.0.0.1").port(port).requestTimeoutMs(5000)
        .publishRetries(3, 10, 50));
    return client;
  }

  @Test
  void aGrpcPublishWhoseOutcomeIsUnknownIsSentAgainWithTheSameKey() throws Exception {
    List<String> keys = new CopyOnWriteArrayList<>();
    grpc = new FakeIngest(vertx).bind(IngestGrpcService.Publish, request -> request.handler(message -> {
      keys.add(message.getIdempotencyKey());
      if (keys.size() == 1) {
        request.response().trailers().set("lastmile-stored", "unknown");
        FakeIngest.refuse(request.response(), GrpcStatus.UNAVAILABLE, "unavailable", "the member storing it left");
      } else {
        request.response().end(PublishAck.newBuilder().setDuplicate(true).setStored(ChannelPosition.newBuilder()
            .setChannel(message.getChannel()).setEpoch("e1").setOffset(7)).build());
      }
    })).start();
    Stored stored = client(grpc.port()).publish("c", "{\"a\":1}").await(10, TimeUnit.SECONDS);
    assertEquals(new Stored("c", "e1", 7, true), stored);
    assertEquals(2, keys.size());
    assertEquals(keys.get(0), keys.get(1), "the retry carries the first attempt's key");
    assertTrue(keys.get(0).matches("[A-Za-z0-9._:-]{1,64}"), keys.get(0));
    client.publish("c", "2").await(10, TimeUnit.SECONDS);
    assertNotEquals(keys.get(0), keys.get(2), "each publish has its own key");
  }

  @Test
  void anHttpPublishWhoseConnectionIsLostMidRequestIsSentAgainWithTheCallersKey() throws Exception {
    List<String> keys = new CopyOnWriteArrayList<>();
    http = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)).requestHandler(request -> {
      keys.add(request.getHeader("Idempotency-Key"));
      if (keys.size() == 1) {
        request.connection().close(); // the request reached the node; its answer never comes back
      } else {
        request.response().putHeader("Content-Type", "application/json")
            .end("{\"channel\":\"c\",\"epoch\":\"e1\",\"offset\":3,\"duplicate\":true}");
      }
    }).listen().await(10, TimeUnit.SECONDS);
    Stored stored = client(http.actualPort()).publishHttp("c", "1", "order-17").await(10, TimeUnit.SECONDS);
    assertEquals(new Stored("c", "e1", 3, true), stored);
    assertEquals(List.of("order-17", "order-17"), keys);
  }

  @Test
  void aDefiniteRefusalIsNotRetriedAndRetriesAreBounded() throws Exception {
    List<String> keys = new CopyOnWriteArrayList<>();
    http = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)).requestHandler(request -> {
      keys.add(request.getHeader("Idempotency-Key"));
      boolean refuse = request.path().contains("refused");
      request.response().setStatusCode(refuse ? 403 : 503).putHeader("Content-Type", "application/json")
          .end(refuse ? "{\"error\":{\"code\":\"permission_denied\",\"message\":\"no\"}}"
              : "{\"error\":{\"code\":\"unavailable\",\"message\":\"minority\",\"stored\":\"unknown\"}}");
    }).listen().await(10, TimeUnit.SECONDS);
    ExecutionException refused = null;
    try {
      client(http.actualPort()).publishHttp("refused", "1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      refused = e;
    }
    assertEquals("permission_denied", assertInstanceOf(LastMileException.class, refused.getCause()).code());
    assertEquals(1, keys.size());
    keys.clear();
    ExecutionException unavailable = null;
    try {
      client.publishHttp("busy", "1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      unavailable = e;
    }
    LastMileException last = assertInstanceOf(LastMileException.class, unavailable.getCause());
    assertTrue(last.storedUnknown(), last.toString());
    assertEquals(4, keys.size(), "the first attempt and 3 retries");
    assertEquals(1, keys.stream().distinct().count(), "all with one key");
  }
}
