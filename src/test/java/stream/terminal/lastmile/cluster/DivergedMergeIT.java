package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.config.ChannelPolicies;
import stream.terminal.lastmile.core.BacklogPage;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.support.LoopbackNet;

/**
 * Two members (127.0.0.34-35, in one JVM) with {@code min_members: 1}, so both sides of a split acknowledge:
 * the one case where a backlog's history can diverge. Beyond MinorityIT (where the quorum keeps one side from
 * storing), this checks what a merge does with two histories: the backlog holds every message acknowledged on
 * either side, once, and the channel is under a new epoch, so no resume from the old one is told it recovered.
 */
class DivergedMergeIT {
  private static final List<String> IPS = List.of("127.0.0.34", "127.0.0.35");

  private final LoopbackNet net = new LoopbackNet("DIVERGED");
  private final Vertx vertx = Vertx.vertx();
  private final List<HazelcastInstance> members = new ArrayList<>();
  private final List<HazelcastChannelRegistry> registries = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    members.addAll(LoopbackMembers.start(vertx, net, "diverged", IPS, 1, 5));
    for (HazelcastInstance hazelcast : members) {
      registries.add(new HazelcastChannelRegistry(vertx, hazelcast, 100, ChannelPolicies.defaults(),
          new ClusterView(hazelcast)));
    }
    await(20).until(() -> members.stream().allMatch(m -> m.getCluster().getMembers().size() == 2));
  }

  @AfterEach
  void stop() {
    try {
      members.forEach(m -> m.getLifecycleService().terminate());
      vertx.close().await();
    } finally {
      net.close();
    }
  }

  @Test
  void bothSidesMessagesAreKeptUnderANewEpoch() throws Exception {
    String channel = "diverged";
    registries.get(0).create(channel).await();
    String epoch = registries.get(0).append(channel, 0, "\"common\"", null, null).await().epoch();

    net.cut(IPS.get(0), IPS.get(1));
    await(20).until(() -> members.stream().allMatch(m -> m.getCluster().getMembers().size() == 1));
    List<String> acknowledged = new ArrayList<>(List.of("\"common\""));
    for (int i = 0; i < 3; i++) {
      for (int side = 0; side < 2; side++) {
        ChannelMessage m = registries.get(side).append(channel, 1, "\"side " + side + " #" + i + "\"", null, null)
            .await();
        assertEquals(2 + i, m.offset(), "both sides number from the same tail");
        acknowledged.add(m.data());
      }
    }

    net.heal();
    await(30).until(() -> members.stream().allMatch(m -> m.getCluster().getMembers().size() == 2));
    // a member answers no read while it merges
    await(15).ignoreExceptions()
        .until(() -> !registries.get(0).get(channel).await().channel().epoch().equals(epoch));
    for (HazelcastChannelRegistry registry : registries) {
      BacklogPage page = registry.read(channel, 1, 100).await();
      assertNotEquals(epoch, page.epoch());
      List<String> stored = page.messages().stream().map(ChannelMessage::data).sorted().toList();
      assertEquals(acknowledged.stream().sorted().toList(), stored, "every acknowledged message, once");
    }
  }

  private static org.awaitility.core.ConditionFactory await(int seconds) {
    return Awaitility.await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(100));
  }
}
