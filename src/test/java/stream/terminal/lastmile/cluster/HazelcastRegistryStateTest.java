package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.config.ChannelPolicies;
import stream.terminal.lastmile.config.ClusterConfig;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Signature;

/**
 * The clustered registry keeps what it is given, signatures included, and per-channel state only for channels
 * that exist (one real member, in memory).
 */
class HazelcastRegistryStateTest {
  private final Vertx vertx = Vertx.vertx();
  private HazelcastInstance hazelcast;

  @AfterEach
  void stop() {
    if (hazelcast != null) {
      hazelcast.shutdown();
    }
    vertx.close().await();
  }

  private HazelcastChannelRegistry registry() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    hazelcast = Hazelcast.newHazelcastInstance(HazelcastSetup.build(new ClusterConfig(true, "state-" + System.nanoTime(),
        "127.0.0.1", null, port, List.of("127.0.0.1:" + port), 0, null, 0, null)));
    return new HazelcastChannelRegistry(vertx, hazelcast, 10, ChannelPolicies.defaults());
  }

  @Test
  void storedMessagesKeepTheirSignatureAndUnsignedOnesStayUnsigned() throws Exception {
    HazelcastChannelRegistry registry = registry();
    registry.create("signed").await();
    Signature signature = new Signature("signer-1", "A".repeat(86));
    ChannelMessage appended = registry.append("signed", 1_764_489_600_000L, "{\"a\":1}", signature, null).await();
    assertEquals(signature, appended.signature());
    assertEquals(1_764_489_600_000L, appended.ts());
    registry.append("signed", 1_764_489_600_001L, "2", null, null).await();

    List<ChannelMessage> read = registry.read("signed", 1, 10).await().messages();
    assertEquals(2, read.size());
    assertEquals(new ChannelMessage("signed", appended.epoch(), 1, 1_764_489_600_000L, "{\"a\":1}", signature),
        read.get(0));
    assertNull(read.get(1).signature());
  }

  @Test
  void storedMessagesKeepTheirProtobufFormThroughTheRingbuffer() throws Exception {
    DeserializationFilter.install(); // as a node does at launch: the stored form must pass it
    HazelcastChannelRegistry registry = registry();
    registry.create("proto").await();
    ProtoPayload proto = new ProtoPayload("type.googleapis.com/lastmile.test.Indicator", new byte[] {10, 3, 'a', 'b', 'c'});
    ChannelMessage appended = registry.append("proto", 7, "{\"symbol\":\"abc\"}", null, proto).await();
    assertEquals(proto, appended.proto());
    registry.append("proto", 8, "2", null, null).await();

    List<ChannelMessage> read = registry.read("proto", 1, 10).await().messages();
    assertEquals(new ChannelMessage("proto", appended.epoch(), 1, 7, "{\"symbol\":\"abc\"}", null, proto), read.get(0));
    assertNull(read.get(1).proto());
  }

  @Test
  void publishesToChannelsThatDoNotExistLeaveNothingBehind() throws Exception {
    HazelcastChannelRegistry registry = registry();
    registry.create("exists").await();
    registry.append("exists", System.currentTimeMillis(), "1", null, null).await();
    int before = registry.channelsTracked();

    for (int i = 0; i < 50; i++) {
      Throwable failure = registry.append("missing." + i, System.currentTimeMillis(), "1", null, null)
          .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
      assertEquals(ErrorCode.CHANNEL_NOT_FOUND, GatewayException.of(failure).code());
    }
    assertEquals(before, registry.channelsTracked(), "one entry per name a publisher tried");
  }
}
