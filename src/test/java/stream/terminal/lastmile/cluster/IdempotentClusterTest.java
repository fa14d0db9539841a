package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.config.ChannelPolicies;
import stream.terminal.lastmile.config.ChannelPolicy;
import stream.terminal.lastmile.config.ClusterConfig;
import stream.terminal.lastmile.core.IdempotencyKey;
import stream.terminal.lastmile.core.Published;
import stream.terminal.lastmile.core.Signature;

/**
 * Exactly-once publish across two real Hazelcast members in one JVM, each with its own registry (the two ingest
 * nodes): a key used on one node is a duplicate on the other; two nodes racing on the same keys store each once;
 * a claim left by a member that is gone (it died mid-store) is settled from the backlog, or taken over when the
 * message is not there; a channel without a backlog takes over on the claim alone.
 */
class IdempotentClusterTest {
  private static final IdempotencyKey KEY_WINDOW = new IdempotencyKey("unused", 300);
  private static final Vertx vertx = Vertx.vertx();
  private static HazelcastInstance memberA;
  private static HazelcastInstance memberB;
  private static HazelcastChannelRegistry nodeA;
  private static HazelcastChannelRegistry nodeB;

  @BeforeAll
  static void start() throws Exception {
    DeserializationFilter.install(); // as a node does at launch: the claim's entry processor must pass it
    int portA = freePort();
    int portB = freePort();
    String name = "idem-" + System.nanoTime();
    List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
    ChannelPolicies policies = new ChannelPolicies(List.of(new ChannelPolicy("nb.*", 0, 600, false)),
        ChannelPolicy.DEFAULT);
    memberA = Hazelcast.newHazelcastInstance(HazelcastSetup.build(
        new ClusterConfig(true, name, "127.0.0.1", null, portA, members, 0, null, 0, null)));
    memberB = Hazelcast.newHazelcastInstance(HazelcastSetup.build(
        new ClusterConfig(true, name, "127.0.0.1", null, portB, members, 0, null, 0, null)));
    assertEquals(2, memberA.getCluster().getMembers().size());
    nodeA = new HazelcastChannelRegistry(vertx, memberA, 100, policies);
    nodeB = new HazelcastChannelRegistry(vertx, memberB, 100, policies);
  }

  @AfterAll
  static void stop() {
    memberB.shutdown();
    memberA.shutdown();
    vertx.close().await();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static IdempotencyKey key(String value) {
    return new IdempotencyKey(value, KEY_WINDOW.windowSeconds());
  }

  private static Published publish(HazelcastChannelRegistry node, String channel, String key, String data) throws Exception {
    return node.appendOnce(channel, key(key), System.currentTimeMillis(), data, null, null).await(30, TimeUnit.SECONDS);
  }

  private static long stored(String channel) {
    return memberA.getRingbuffer(HazelcastChannelRegistry.BACKLOG_PREFIX + channel).size();
  }

  private static IMap<String, String> claims() {
    return memberA.getMap(KeyClaims.MAP);
  }

  @Test
  void aKeyUsedOnOneNodeIsADuplicateOnTheOther() throws Exception {
    nodeA.create("c.ab").await();
    Published first = publish(nodeA, "c.ab", "k-1", "1");
    Published retry = publish(nodeB, "c.ab", "k-1", "1");
    assertFalse(first.duplicate());
    assertTrue(retry.duplicate());
    assertEquals(first.message().epoch(), retry.message().epoch());
    assertEquals(first.message().offset(), retry.message().offset());
    assertEquals(1, stored("c.ab"));
    assertEquals(1, nodeB.read("c.ab", 1, 10).await().messages().size());
  }

  @Test
  void twoNodesRacingOnTheSameKeysStoreEachOnce() throws Exception {
    nodeA.create("c.race").await();
    int keys = 40;
    List<Future<Published>> answers = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      String key = "race-" + i;
      answers.add(nodeA.appendOnce("c.race", key(key), 1, "\"" + key + "\"", null, null));
      answers.add(nodeB.appendOnce("c.race", key(key), 1, "\"" + key + "\"", null, null));
    }
    Future.join(new ArrayList<>(answers)).await(60, TimeUnit.SECONDS);
    assertEquals(keys, stored("c.race"), "each key stored once");
    Set<Long> offsets = new HashSet<>();
    for (int i = 0; i < keys; i++) {
      Future<Published> a = answers.get(2 * i);
      Future<Published> b = answers.get(2 * i + 1);
      assertTrue(a.succeeded() && b.succeeded(), "both answered: " + a.cause() + " / " + b.cause());
      assertEquals(a.result().message().offset(), b.result().message().offset(), "one position per key");
      assertTrue(a.result().duplicate() != b.result().duplicate(), "one stored, one duplicate");
      offsets.add(a.result().message().offset());
    }
    assertEquals(keys, offsets.size());
  }

  @Test
  void aClaimLeftByAMemberThatDiedAfterStoringIsSettledFromTheBacklog() throws Exception {
    nodeA.create("c.died-stored").await();
    publish(nodeA, "c.died-stored", "other", "0");
    // what a member leaves when it dies between its store and its claim's update: the keyed item, a pending claim
    memberA.<Stored>getRingbuffer(HazelcastChannelRegistry.BACKLOG_PREFIX + "c.died-stored")
        .add(Stored.of(5, "\"orphan\"", null, null, "k-orphan"));
    claims().set("k-orphan c.died-stored", "P " + UUID.randomUUID() + " " + System.currentTimeMillis() + " n");

    Published retry = publish(nodeB, "c.died-stored", "k-orphan", "\"orphan\"");
    assertTrue(retry.duplicate());
    assertEquals(2, retry.message().offset(), "the position the dead member stored it at");
    assertEquals(2, stored("c.died-stored"));
    assertTrue(claims().get("k-orphan c.died-stored").startsWith("D "), "settled: " + claims().get("k-orphan c.died-stored"));
  }

  @Test
  void aClaimLeftByAMemberThatDiedBeforeStoringIsTakenOver() throws Exception {
    nodeA.create("c.died-early").await();
    claims().set("k-lost c.died-early", "P " + UUID.randomUUID() + " " + System.currentTimeMillis() + " n");
    Published retry = publish(nodeB, "c.died-early", "k-lost", "1");
    assertFalse(retry.duplicate());
    assertEquals(1, stored("c.died-early"));
    assertTrue(publish(nodeA, "c.died-early", "k-lost", "1").duplicate(), "and the key now names it");
  }

  @Test
  void aStoreWithAnUnknownOutcomeIsSettledByTheNextPublishWithTheKey() throws Exception {
    nodeA.create("c.unknown").await();
    Published first = publish(nodeA, "c.unknown", "k-u", "1");
    // as a failed store marks its claim: U, its time, its nonce
    claims().set("k-u c.unknown", "U " + System.currentTimeMillis() + " n");
    Published retry = publish(nodeB, "c.unknown", "k-u", "1");
    assertTrue(retry.duplicate());
    assertEquals(first.message().offset(), retry.message().offset());
  }

  @Test
  void aChannelWithoutBacklogUsesTheClaimAlone() throws Exception {
    nodeA.create("nb.claims").await();
    Published first = publish(nodeA, "nb.claims", "k-nb", "1");
    assertTrue(publish(nodeB, "nb.claims", "k-nb", "1").duplicate());
    claims().set("k-gone nb.claims", "P " + UUID.randomUUID() + " " + System.currentTimeMillis() + " n");
    Published takenOver = publish(nodeB, "nb.claims", "k-gone", "2");
    assertFalse(takenOver.duplicate());
    assertEquals(first.message().offset() + 1, takenOver.message().offset());
  }

  @Test
  void aSignedMessagesReplayIsFoundInTheBacklogByItsSignature() throws Exception {
    nodeA.create("c.signed").await();
    Signature signature = new Signature("signer-1", "B".repeat(86));
    IdempotencyKey implicit = IdempotencyKey.ofSignature(signature, 60);
    memberA.<Stored>getRingbuffer(HazelcastChannelRegistry.BACKLOG_PREFIX + "c.signed")
        .add(Stored.of(5, "1", signature, null));
    claims().set(implicit.value() + " c.signed", "P " + UUID.randomUUID() + " " + System.currentTimeMillis() + " n");
    Published replay = nodeB.appendOnce("c.signed", implicit, 5, "1", signature, null).await(30, TimeUnit.SECONDS);
    assertTrue(replay.duplicate());
    assertEquals(1, replay.message().offset());
    Published another = nodeB.appendOnce("c.signed", IdempotencyKey.ofSignature(new Signature("signer-1",
        "C".repeat(86)), 60), 6, "1", new Signature("signer-1", "C".repeat(86)), null).await(30, TimeUnit.SECONDS);
    assertFalse(another.duplicate());
    assertEquals(null, memberA.<Stored>getRingbuffer(HazelcastChannelRegistry.BACKLOG_PREFIX + "c.signed")
        .readOne(1).key(), "a signature's key is not stored: the signature is");
  }
}
