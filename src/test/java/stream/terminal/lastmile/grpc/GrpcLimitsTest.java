package stream.terminal.lastmile.grpc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Iterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.grpc.v1.Message;
import stream.terminal.lastmile.grpc.v1.PublishRequest;
import stream.terminal.lastmile.grpc.v1.SubscribeRequest;
import stream.terminal.lastmile.support.GrpcClients;
import stream.terminal.lastmile.support.TestGateway;

/** The listener's per-connection limits hold for the calls of one HTTP/2 connection. */
class GrpcLimitsTest {
  private final TestGateway gateway = new TestGateway();

  @AfterEach
  void close() throws Exception {
    gateway.close();
  }

  private void start(JsonObject limits) throws Exception {
    gateway.config().put("channels", new JsonObject().put("defaults", new JsonObject().put("create_on_publish", true)));
    gateway.listenerConfig("private").put("grpc", true)
        .put("permissions", new JsonArray().add("create").add("publish").add("subscribe"));
    limits.forEach(e -> gateway.limits("private").put(e.getKey(), e.getValue()));
    gateway.start();
  }

  @Test
  void subscribeCallsOpenAtOnceAreBoundedByMaxSubscriptions() throws Exception {
    start(new JsonObject().put("max_subscriptions", 2));
    try (GrpcClients grpc = new GrpcClients(gateway.ingestPort())) {
      grpc.blocking().publish(PublishRequest.newBuilder().setChannel("limited").setJson("1").build());
      StreamObserver<Message> ignore = new StreamObserver<>() {
        @Override
        public void onNext(Message m) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
      SubscribeRequest request = SubscribeRequest.newBuilder().setChannel("limited").build();
      grpc.async(null).subscribe(request, ignore);
      grpc.async(null).subscribe(request, ignore);
      await().atMost(Duration.ofSeconds(10)).until(() -> gateway.metric("lastmile_subscriptions") == 2);
      Iterator<Message> third = grpc.blocking().subscribe(request);
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, third::hasNext);
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
      assertEquals("limit_exceeded", GrpcClients.errorCode(e));
    }
    // another connection has its own
    try (GrpcClients other = new GrpcClients(gateway.ingestPort())) {
      await().atMost(Duration.ofSeconds(10)).until(() -> gateway.metric("lastmile_subscriptions") == 0);
      assertEquals(1, other.blocking().publish(PublishRequest.newBuilder().setChannel("other").setJson("1").build())
          .getStored().getOffset());
    }
  }

  @Test
  void callsPastCommandsPerSecondAreRateLimited() throws Exception {
    start(new JsonObject().put("commands_per_second", 1).put("burst", 3));
    try (GrpcClients grpc = new GrpcClients(gateway.ingestPort())) {
      StatusRuntimeException refused = null;
      int stored = 0;
      for (int i = 0; i < 10 && refused == null; i++) {
        try {
          grpc.blocking().publish(PublishRequest.newBuilder().setChannel("rated").setJson("1").build());
          stored++;
        } catch (StatusRuntimeException e) {
          refused = e;
        }
      }
      assertTrue(refused != null && stored >= 3, "stored " + stored);
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
      assertEquals("rate_limited", GrpcClients.errorCode(refused));
    }
  }
}
