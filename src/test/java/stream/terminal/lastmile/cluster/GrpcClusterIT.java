package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.terminal.lastmile.grpc.v1.ChannelPosition;
import stream.terminal.lastmile.grpc.v1.CreateChannelRequest;
import stream.terminal.lastmile.grpc.v1.PublishAck;
import stream.terminal.lastmile.grpc.v1.PublishRequest;
import stream.terminal.lastmile.support.ClusterNodes;
import stream.terminal.lastmile.support.GrpcClients;
import stream.terminal.lastmile.support.WsClient;

/**
 * gRPC across a cluster of three JVMs: a PublishStream to the ingest node's gRPC listener is acknowledged in order
 * and reaches WebSocket subscribers on both edge nodes in the same order.
 */
class GrpcClusterIT {
  @TempDir static Path dir;
  private static ClusterNodes cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ClusterNodes(dir, List.of("ingest", "edge1", "edge2"));
    cluster.ingestListenerOptions(", grpc: true");
    cluster.start("ingest", "ingest");
    cluster.start("edge1", "edge");
    cluster.start("edge2", "edge");
    cluster.awaitReady();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aStreamPublishedByGrpcOnTheIngestNodeReachesEveryEdgeInOrder() throws Exception {
    String channel = "grpc.cluster";
    int count = 2000;
    try (GrpcClients grpc = new GrpcClients(cluster.port("ingest", "private"));
        WsClient one = cluster.edge("edge1");
        WsClient two = cluster.edge("edge2")) {
      ChannelPosition created = grpc.blocking().createChannel(CreateChannelRequest.newBuilder().setChannel(channel).build());
      WsClient.assertResult(one.request("subscribe", channel));
      WsClient.assertResult(two.request("subscribe", channel));

      List<PublishRequest> requests = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        requests.add(PublishRequest.newBuilder().setChannel(channel).setJson("{\"i\":" + i + "}").setSequence(i).build());
      }
      List<PublishAck> acks = grpc.publishStream(requests);
      assertEquals(count, acks.size());
      for (int i = 0; i < count; i++) {
        assertEquals(i, acks.get(i).getSequence());
        assertEquals(created.getEpoch(), acks.get(i).getStored().getEpoch());
        assertEquals(i + 1, acks.get(i).getStored().getOffset());
      }
      for (WsClient edge : List.of(one, two)) {
        for (int i = 0; i < count; i++) {
          JsonObject message = edge.nextMessage();
          assertEquals(i + 1, message.getLong("offset"));
          assertEquals(i, message.getJsonObject("data").getInteger("i"));
        }
      }
    }
  }
}
