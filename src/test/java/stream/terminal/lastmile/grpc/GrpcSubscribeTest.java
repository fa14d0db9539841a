package stream.terminal.lastmile.grpc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.grpc.v1.ChannelPosition;
import stream.terminal.lastmile.grpc.v1.CreateChannelRequest;
import stream.terminal.lastmile.grpc.v1.IngestGrpcClient;
import stream.terminal.lastmile.grpc.v1.Message;
import stream.terminal.lastmile.grpc.v1.Position;
import stream.terminal.lastmile.grpc.v1.PublishAck;
import stream.terminal.lastmile.grpc.v1.PublishRequest;
import stream.terminal.lastmile.grpc.v1.SubscribeRequest;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.TestGateway;

/** Subscribe and publish with vertx-grpc-client: live, resumed through the backlog, and across a trimmed one. */
class GrpcSubscribeTest {
  private static TestGateway gateway;
  private static GrpcClient client;
  private static SocketAddress address;
  private static IngestGrpcClient ingest;

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway();
    gateway.config().put("channels", new JsonObject().put("patterns", new JsonArray()
        .add(new JsonObject().put("pattern", "short.*").put("create_on_publish", true).put("backlog_size", 5))
        .add(new JsonObject().put("pattern", "*").put("create_on_publish", true))));
    gateway.listenerConfig("private").put("grpc", true)
        .put("permissions", new JsonArray().add("create").add("publish").add("subscribe"));
    gateway.start();
    client = GrpcClient.client(gateway.clients());
    address = SocketAddress.inetSocketAddress(gateway.ingestPort(), "127.0.0.1");
    ingest = IngestGrpcClient.create(client, address);
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close().await(10, TimeUnit.SECONDS);
    }
    gateway.close();
  }

  /** A Subscribe call whose response headers came: the subscription is in place. */
  private record Subscribed(BlockingQueue<Message> messages, CompletableFuture<GrpcStatus> ended,
      GrpcClientRequest<SubscribeRequest, Message> call, GrpcClientResponse<SubscribeRequest, Message> response) {
    void cancel() {
      call.cancel();
    }

    Message next() throws InterruptedException {
      Message m = messages.poll(10, TimeUnit.SECONDS);
      assertNotNull(m, "no message within 10 s");
      return m;
    }
  }

  private static Subscribed subscribe(SubscribeRequest request) throws Exception {
    BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    CompletableFuture<GrpcStatus> ended = new CompletableFuture<>();
    GrpcClientRequest<SubscribeRequest, Message> call = client.request(address, IngestGrpcClient.Subscribe)
        .await(10, TimeUnit.SECONDS);
    GrpcClientResponse<SubscribeRequest, Message> response = call.end(request).compose(v -> call.response())
        // the handlers are set on the event loop as the headers arrive, before any message can
        .andThen(ar -> {
          if (ar.succeeded()) {
            ar.result().handler(messages::add);
            ar.result().endHandler(v -> ended.complete(ar.result().status()));
            ar.result().exceptionHandler(ended::completeExceptionally);
          }
        })
        .await(10, TimeUnit.SECONDS);
    return new Subscribed(messages, ended, call, response);
  }

  private static PublishAck publish(String channel, String json) throws Exception {
    return ingest.publish(PublishRequest.newBuilder().setChannel(channel).setJson(json).build()).await(10, TimeUnit.SECONDS);
  }

  private static SubscribeRequest since(String channel, String epoch, long offset) {
    return SubscribeRequest.newBuilder().setChannel(channel)
        .setSince(Position.newBuilder().setEpoch(epoch).setOffset(offset)).build();
  }

  @Test
  void subscribeWithoutSinceGetsWhatIsPublishedFromNowOn() throws Exception {
    ChannelPosition channel = ingest.createChannel(CreateChannelRequest.newBuilder().setChannel("live").build())
        .await(10, TimeUnit.SECONDS);
    publish("live", "\"before\"");
    Subscribed live = subscribe(SubscribeRequest.newBuilder().setChannel("live").build());
    publish("live", "{\"n\":2}");
    Message m = live.next();
    assertEquals("live", m.getChannel());
    assertEquals(channel.getEpoch(), m.getEpoch());
    assertEquals(2, m.getOffset());
    assertEquals("{\"n\":2}", m.getJson());
    assertFalse(m.getGap());
    assertTrue(m.getTs() > 0);
    live.cancel();
  }

  @Test
  void subscribeWithSinceResumesThroughTheBacklogThenGoesLive() throws Exception {
    String epoch = publish("resume", "1").getStored().getEpoch();
    for (int i = 2; i <= 5; i++) {
      publish("resume", Integer.toString(i));
    }
    Subscribed resumed = subscribe(since("resume", epoch, 2));
    for (long offset = 3; offset <= 5; offset++) {
      Message m = resumed.next();
      assertEquals(offset, m.getOffset());
      assertEquals(Long.toString(offset), m.getJson());
      assertFalse(m.getGap());
    }
    publish("resume", "6");
    assertEquals(6, resumed.next().getOffset());
    assertNull(resumed.messages().poll(100, TimeUnit.MILLISECONDS), "no duplicate");
    resumed.cancel();
  }

  @Test
  void aResumeAcrossATrimmedBacklogSaysGapOnItsFirstMessage() throws Exception {
    String epoch = publish("short.gap", "1").getStored().getEpoch();
    for (int i = 2; i <= 10; i++) {
      publish("short.gap", Integer.toString(i));
    }
    // offsets 2 to 5 are gone: the backlog keeps the last 5
    Subscribed resumed = subscribe(since("short.gap", epoch, 1));
    Message first = resumed.next();
    assertEquals(6, first.getOffset());
    assertTrue(first.getGap());
    for (long offset = 7; offset <= 10; offset++) {
      Message m = resumed.next();
      assertEquals(offset, m.getOffset());
      assertFalse(m.getGap());
    }
    resumed.cancel();
  }

  @Test
  void aRefusedSubscribeEndsWithItsStatusAndCode() throws Exception {
    Subscribed refused = subscribe(SubscribeRequest.newBuilder().setChannel("missing").build());
    assertEquals(GrpcStatus.NOT_FOUND, refused.response().status());
    String code = refused.response().trailers().get(GrpcErrors.ERROR_CODE);
    assertEquals("channel_not_found", code != null ? code : refused.response().headers().get(GrpcErrors.ERROR_CODE));
  }

  @Test
  void aPublishStreamFromVertxIsAcknowledgedInOrder() throws Exception {
    int count = 1000;
    BlockingQueue<PublishAck> acks = new LinkedBlockingQueue<>();
    GrpcStatus status = client.request(address, IngestGrpcClient.PublishStream).compose(call -> {
      for (int i = 0; i < count; i++) {
        call.write(PublishRequest.newBuilder().setChannel("vertx.stream").setJson("{\"i\":" + i + "}").setSequence(i).build());
      }
      call.end();
      return call.response().compose(response -> {
        response.handler(acks::add);
        return response.end().map(v -> response.status());
      });
    }).await(30, TimeUnit.SECONDS);
    assertEquals(GrpcStatus.OK, status);
    assertEquals(count, acks.size());
    long i = 0;
    for (PublishAck ack : acks) {
      assertEquals(i, ack.getSequence());
      assertEquals(i + 1, ack.getStored().getOffset());
      i++;
    }
  }

  @Test
  void aClientThatStopsReadingItsAcknowledgementsStopsBeingRead() throws Exception {
    int count = 100_000;
    String channel = "flow";
    GrpcClientRequest<PublishRequest, PublishAck> call = client.request(address, IngestGrpcClient.PublishStream)
        .await(10, TimeUnit.SECONDS);
    BlockingQueue<PublishAck> acks = new LinkedBlockingQueue<>();
    CompletableFuture<GrpcStatus> ended = new CompletableFuture<>();
    GrpcClientResponse<PublishRequest, PublishAck>[] response = new GrpcClientResponse[1];
    call.response().onSuccess(r -> {
      // the acknowledgements are not read until the test resumes
      r.pause();
      r.handler(acks::add).endHandler(v -> ended.complete(r.status()));
      response[0] = r;
    });
    int[] written = {0};
    Runnable[] writeMore = new Runnable[1];
    writeMore[0] = () -> {
      while (written[0] < count && !call.writeQueueFull()) {
        call.write(PublishRequest.newBuilder().setChannel(channel).setJson(Integer.toString(written[0]))
            .setSequence(written[0]).build());
        written[0]++;
      }
      if (written[0] == count) {
        call.end();
      } else {
        call.drainHandler(v -> writeMore[0].run());
      }
    };
    gateway.clients().runOnContext(v -> writeMore[0].run());

    // the node reads a window past what it could acknowledge, then nothing: far fewer than were sent are stored
    await().atMost(Duration.ofSeconds(20)).until(() -> storedOffset(channel) > 0);
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(20)).until(() -> storedOffset(channel) < count / 4);
    System.out.println("stored while the client did not read its acknowledgements: " + storedOffset(channel));

    gateway.clients().runOnContext(v -> response[0].resume());
    assertEquals(GrpcStatus.OK, ended.get(60, TimeUnit.SECONDS));
    assertEquals(count, acks.size());
    long sequence = 0;
    for (PublishAck ack : acks) {
      assertEquals(sequence, ack.getSequence());
      assertEquals(sequence + 1, ack.getStored().getOffset());
      sequence++;
    }
  }

  /** The channel's latest offset, read over the HTTP API (another connection); 0 while it does not exist. */
  private static long storedOffset(String channel) throws Exception {
    Http.Reply reply = Http.get(gateway.ingestPort(), "/channels/" + channel + "/messages?limit=1");
    return reply.status() == 404 ? 0 : reply.json().getLong("offset");
  }
}
