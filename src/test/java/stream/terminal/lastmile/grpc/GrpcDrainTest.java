package stream.terminal.lastmile.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.grpc.v1.IngestGrpcClient;
import stream.terminal.lastmile.grpc.v1.Message;
import stream.terminal.lastmile.grpc.v1.PublishAck;
import stream.terminal.lastmile.grpc.v1.PublishRequest;
import stream.terminal.lastmile.grpc.v1.SubscribeRequest;
import stream.terminal.lastmile.support.TestGateway;

/** A stopping node ends its open gRPC streams as it ends WebSockets: what was read is acknowledged, then 4000. */
class GrpcDrainTest {
  private final TestGateway gateway = new TestGateway();

  @AfterEach
  void close() throws Exception {
    gateway.close();
  }

  @Test
  void openStreamsEndUnavailableWithTheShutdownCodeAfterTheirAcknowledgements() throws Exception {
    gateway.config().put("channels", new JsonObject().put("defaults", new JsonObject().put("create_on_publish", true)));
    gateway.listenerConfig("private").put("grpc", true)
        .put("permissions", new JsonArray().add("create").add("publish").add("subscribe"));
    gateway.start();
    GrpcClient client = GrpcClient.client(gateway.clients());
    SocketAddress address = SocketAddress.inetSocketAddress(gateway.ingestPort(), "127.0.0.1");

    GrpcClientRequest<PublishRequest, PublishAck> stream = client.request(address, IngestGrpcClient.PublishStream)
        .await(10, TimeUnit.SECONDS);
    BlockingQueue<PublishAck> acks = new LinkedBlockingQueue<>();
    CompletableFuture<GrpcClientResponse<PublishRequest, PublishAck>> streamEnded = new CompletableFuture<>();
    stream.response().onSuccess(r -> r.handler(acks::add).endHandler(v -> streamEnded.complete(r)));
    for (int i = 0; i < 10; i++) {
      stream.write(PublishRequest.newBuilder().setChannel("drain").setJson(Integer.toString(i)).setSequence(i).build());
    }
    for (int i = 0; i < 10; i++) {
      assertEquals(i + 1, acks.poll(10, TimeUnit.SECONDS).getStored().getOffset());
    }

    GrpcClientRequest<SubscribeRequest, Message> subscribe = client.request(address, IngestGrpcClient.Subscribe)
        .await(10, TimeUnit.SECONDS);
    CompletableFuture<GrpcClientResponse<SubscribeRequest, Message>> subscribeEnded = new CompletableFuture<>();
    subscribe.end(SubscribeRequest.newBuilder().setChannel("drain").build())
        .compose(v -> subscribe.response())
        .onSuccess(r -> r.handler(m -> {}).endHandler(v -> subscribeEnded.complete(r)))
        .await(10, TimeUnit.SECONDS);

    gateway.stop();
    for (GrpcClientResponse<?, ?> ended : java.util.List.of(streamEnded.get(10, TimeUnit.SECONDS),
        subscribeEnded.get(10, TimeUnit.SECONDS))) {
      assertEquals(GrpcStatus.UNAVAILABLE, ended.status());
      assertEquals("4000", ended.trailers().get(GrpcErrors.DISCONNECT));
    }
  }
}
