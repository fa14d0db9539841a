package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.hazelcast.cluster.Address;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.config.ChannelPolicies;
import stream.terminal.lastmile.config.ClusterConfig;
import stream.terminal.lastmile.core.BacklogPage;
import stream.terminal.lastmile.core.ChannelMessage;

/**
 * Both copies of a backlog lost at once (its owner and its backup member stop together, in one JVM): the member
 * left must not number new messages from 1 again under the same epoch, where a resuming client would take them
 * for the lost ones. Whichever finds the loss first, a read or a publish, moves the channel to a new epoch.
 */
class DoubleLossTest {
  private final Vertx vertx = Vertx.vertx();
  private final List<HazelcastInstance> members = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        addresses.add("127.0.0.1:" + socket.getLocalPort());
      }
    }
    String name = "double-loss-" + System.nanoTime();
    List<Future<HazelcastInstance>> started = new ArrayList<>();
    for (String address : addresses) {
      // min_members 1: the member left alone must still take publishes, to show how it numbers them
      Config config = HazelcastSetup.build(new ClusterConfig(true, name, "127.0.0.1", null,
          Integer.parseInt(address.split(":")[1]), addresses, 0, null, 0, null, 1));
      started.add(vertx.executeBlocking(() -> Hazelcast.newHazelcastInstance(config), false));
    }
    for (Future<HazelcastInstance> member : started) {
      members.add(member.await());
    }
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> members.stream().allMatch(m -> m.getCluster().getMembers().size() == 3));
  }

  @AfterEach
  void stop() {
    members.forEach(m -> m.getLifecycleService().terminate());
    vertx.close().await();
  }

  @Test
  void aPublishAfterTheLossGetsANewEpoch() throws Exception {
    assertNewEpochAfterLoss("loss.publish", (registry, channel) -> registry.append(channel, 9, "\"after\"", null, null)
        .map(m -> new BacklogPage(m.epoch(), m.offset(), m.offset(), List.of(m))));
  }

  @Test
  void aReadAfterTheLossGetsANewEpochAndTheNextPublishKeepsIt() throws Exception {
    assertNewEpochAfterLoss("loss.read", (registry, channel) -> registry.read(channel, 1, 10).compose(page ->
        registry.append(channel, 9, "\"after\"", null, null).map(m -> {
          assertEquals(page.epoch(), m.epoch(), "one loss, one new epoch");
          return page;
        })));
  }

  private void assertNewEpochAfterLoss(String prefix, BiFunction<HazelcastChannelRegistry, String, Future<BacklogPage>> after)
      throws Exception {
    // the backlog's two copies on two members, the channel record with a copy on the third
    HazelcastInstance survivor = members.get(2);
    String channel = channel(prefix, members.get(0), members.get(1), survivor);
    HazelcastChannelRegistry first = new HazelcastChannelRegistry(vertx, members.get(0), 10, ChannelPolicies.defaults());
    first.create(channel).await();
    ChannelMessage before = null;
    for (int i = 0; i < 5; i++) {
      before = first.append(channel, i, "\"before " + i + "\"", null, null).await();
    }
    HazelcastChannelRegistry left = new HazelcastChannelRegistry(vertx, survivor, 10, ChannelPolicies.defaults());
    assertEquals(before.epoch(), left.get(channel).await().channel().epoch());

    Thread owner = new Thread(() -> members.get(0).getLifecycleService().terminate());
    Thread backup = new Thread(() -> members.get(1).getLifecycleService().terminate());
    owner.start();
    backup.start();
    owner.join();
    backup.join();
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> survivor.getCluster().getMembers().size() == 1);

    BacklogPage page = after.apply(left, channel).await();
    assertNotEquals(before.epoch(), page.epoch(), "offsets from 1 again under the old epoch: " + page);
    assertEquals(page.epoch(), left.get(channel).await().channel().epoch());
  }

  /** A channel name whose backlog's copies are on {@code owner} and {@code backup}, and whose record is on {@code keeper}. */
  private static String channel(String prefix, HazelcastInstance owner, HazelcastInstance backup,
      HazelcastInstance keeper) {
    var partitions = ((HazelcastInstanceProxy) owner).getOriginal().node.getPartitionService();
    Address o = owner.getCluster().getLocalMember().getAddress();
    Address b = backup.getCluster().getLocalMember().getAddress();
    Address k = keeper.getCluster().getLocalMember().getAddress();
    for (int i = 0; ; i++) {
      String channel = prefix + "." + i;
      var ring = partitions.getPartition(owner.getPartitionService()
          .getPartition(HazelcastChannelRegistry.BACKLOG_PREFIX + channel).getPartitionId());
      var record = partitions.getPartition(owner.getPartitionService().getPartition(channel).getPartitionId());
      if (o.equals(ring.getReplicaAddress(0)) && b.equals(ring.getReplicaAddress(1))
          && (k.equals(record.getReplicaAddress(0)) || k.equals(record.getReplicaAddress(1)))) {
        return channel;
      }
    }
  }
}
