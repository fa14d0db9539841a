package stream.terminal.lastmile.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.grpc.v1.HistoryRequest;
import stream.terminal.lastmile.grpc.v1.PublishRequest;
import stream.terminal.lastmile.grpc.v1.Signature;
import stream.terminal.lastmile.protobuf.TestTypes;
import stream.terminal.lastmile.protobuf.testtypes.Indicator;
import stream.terminal.lastmile.protobuf.testtypes.Trend;
import stream.terminal.lastmile.support.GrpcClients;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * A gRPC publish of a Protobuf message ({@code any}): browsers get its proto3 JSON mapping, a WebSocket
 * subscriber that asked for the binary form gets it as published; an unknown type, bytes that do not parse, a
 * signed Protobuf payload and an oversized one are refused with nothing stored.
 */
class GrpcProtobufTest {
  private static final String CHANNEL = "proto.grpc";
  private static TestGateway gateway;
  private static GrpcClients grpc;

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway();
    gateway.config().put("protobuf", TestTypes.section());
    gateway.config().put("channels", new JsonObject().put("declare", new JsonArray().add(CHANNEL)));
    gateway.listenerConfig("private").put("grpc", true);
    gateway.limits("private").put("max_data_bytes", 1024);
    gateway.start();
    grpc = new GrpcClients(gateway.ingestPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (grpc != null) {
      grpc.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  private static PublishRequest any(Any any) {
    return PublishRequest.newBuilder().setChannel(CHANNEL).setAny(any).build();
  }

  @Test
  void aProtobufPublishReachesJsonAndBinarySubscribers() throws Exception {
    Indicator indicator = Indicator.newBuilder().setSymbol("BTC").setValue(101.5).setVolume(9_007_199_254_740_993L)
        .setTrend(Trend.TREND_UP).build();
    try (WsClient json = gateway.edge(); WsClient binary = gateway.edge()) {
      assertResult(json.request("subscribe", CHANNEL));
      assertResult(binary.request(new JsonObject().put("op", "subscribe").put("channel", CHANNEL)
          .put("format", "protobuf")));
      long offset = grpc.blocking().publish(any(Any.pack(indicator))).getStored().getOffset();
      JsonObject message = json.nextMessage();
      assertEquals(offset, message.getLong("offset"));
      JsonObject data = message.getJsonObject("data");
      assertEquals("BTC", data.getString("symbol"));
      // int64 as a string, enums by name: the proto3 JSON mapping
      assertEquals("9007199254740993", data.getString("volume"));
      assertEquals("TREND_UP", data.getString("trend"));
      stream.terminal.lastmile.grpc.v1.Message frame =
          stream.terminal.lastmile.grpc.v1.Message.parseFrom(binary.nextBinary());
      assertEquals(offset, frame.getOffset());
      assertEquals(indicator, frame.getAny().unpack(Indicator.class));
    }
    // an internal consumer's History has both forms
    stream.terminal.lastmile.grpc.v1.Message stored = grpc.blocking().history(
        HistoryRequest.newBuilder().setChannel(CHANNEL).setAfter(0).build()).getMessagesList().stream()
        .filter(m -> m.hasAny()).reduce((a, b) -> b).orElseThrow();
    assertEquals(indicator, stored.getAny().unpack(Indicator.class));
    assertEquals("BTC", new JsonObject(stored.getJson()).getString("symbol"));
  }

  @Test
  void refusalsStoreNothing() throws Exception {
    long before = lastOffset();
    StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> grpc.blocking().publish(
        any(Any.newBuilder().setTypeUrl("type.googleapis.com/no.Such").setValue(ByteString.copyFromUtf8("x")).build())));
    assertEquals(Status.Code.INVALID_ARGUMENT, GrpcClients.status(unknown));
    assertEquals("unknown_type", GrpcClients.errorCode(unknown));
    StatusRuntimeException garbage = assertThrows(StatusRuntimeException.class, () -> grpc.blocking().publish(any(
        Any.newBuilder().setTypeUrl(Any.pack(Indicator.getDefaultInstance()).getTypeUrl())
            .setValue(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff})).build())));
    assertEquals("bad_request", GrpcClients.errorCode(garbage));
    StatusRuntimeException signed = assertThrows(StatusRuntimeException.class, () -> grpc.blocking().publish(
        any(Any.pack(Indicator.getDefaultInstance())).toBuilder()
            .setSignature(Signature.newBuilder().setTs(1).setKid("k").setSig("AAAA")).build()));
    assertEquals("bad_request", GrpcClients.errorCode(signed));
    StatusRuntimeException large = assertThrows(StatusRuntimeException.class, () -> grpc.blocking().publish(
        any(Any.pack(Indicator.newBuilder().setSymbol("x".repeat(2000)).build()))));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, GrpcClients.status(large));
    assertEquals("too_large", GrpcClients.errorCode(large));
    assertEquals(before, lastOffset());
  }

  private static long lastOffset() throws Exception {
    return Http.get(gateway.ingestPort(), "/channels/" + CHANNEL + "/messages?limit=1").json().getLong("offset");
  }
}
