package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import com.google.protobuf.Any;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.grpc.v1.Message;
import stream.terminal.lastmile.protobuf.TestTypes;
import stream.terminal.lastmile.protobuf.testtypes.Band;
import stream.terminal.lastmile.protobuf.testtypes.Indicator;
import stream.terminal.lastmile.support.ClusterNodes;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.WsClient;

/**
 * A Protobuf payload across a cluster of JVMs: published over HTTP on the ingest node, it crosses the event bus to
 * an edge node (JSON and binary subscribers there), and a resume at the edge replays it from the channel's
 * Hazelcast ringbuffer in its binary form.
 */
class ProtobufClusterIT {
  @TempDir static Path dir;
  private static ClusterNodes cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ClusterNodes(dir, List.of("ingest", "edge1"));
    cluster.sections("protobuf:\n  descriptor_sets: [\"" + TestTypes.DESCRIPTOR_SET.toAbsolutePath() + "\"]");
    cluster.start("ingest", "ingest");
    cluster.start("edge1", "edge");
    cluster.awaitReady();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Indicator indicator(int n) {
    return Indicator.newBuilder().setSymbol("S" + n).setValue(n).setVolume(n * 1_000_000_000_000L)
        .setDetail(Any.pack(Band.newBuilder().setUpper(n).build())).build();
  }

  private static void publish(String channel, Indicator indicator) throws Exception {
    ProtoPayload payload = TestTypes.payload(indicator);
    Http.Reply reply = Http.postBytes(cluster.port("ingest", "private"), "/channels/" + channel + "/messages",
        payload.value(), "Content-Type", "application/x-protobuf", "Last-Mile-Type", payload.typeUrl());
    assertEquals(200, reply.status(), reply.body());
  }

  @Test
  void aProtobufMessageCrossesTheClusterAndIsReplayedFromTheRingbuffer() throws Exception {
    String channel = "proto.cluster";
    Http.Reply created = Http.put(cluster.port("ingest", "private"), "/channels/" + channel);
    assertEquals(201, created.status(), created.body());
    String epoch = created.json().getString("epoch");
    try (WsClient json = cluster.edge("edge1"); WsClient binary = cluster.edge("edge1")) {
      assertResult(json.request("subscribe", channel));
      assertResult(binary.request(new JsonObject().put("op", "subscribe").put("channel", channel)
          .put("format", "protobuf")));
      publish(channel, indicator(1));
      publish(channel, indicator(2));

      for (int n = 1; n <= 2; n++) {
        JsonObject data = json.nextMessage().getJsonObject("data");
        assertEquals("S" + n, data.getString("symbol"));
        assertEquals(String.valueOf(n * 1_000_000_000_000L), data.getString("volume"));
        Message message = Message.parseFrom(binary.nextBinary());
        assertEquals(n, message.getOffset());
        assertEquals(indicator(n), message.getAny().unpack(Indicator.class));
      }
    }
    try (WsClient resumed = cluster.edge("edge1")) {
      JsonObject reply = resumed.request(new JsonObject().put("op", "subscribe").put("channel", channel)
          .put("format", "protobuf").put("since", new JsonObject().put("epoch", epoch).put("offset", 0)));
      assertTrue(reply.getJsonObject("result").getBoolean("recovered"), reply.encode());
      for (int n = 1; n <= 2; n++) {
        Message replayed = Message.parseFrom(resumed.nextBinary());
        assertEquals(n, replayed.getOffset());
        assertEquals(indicator(n), replayed.getAny().unpack(Indicator.class));
      }
    }
  }
}
