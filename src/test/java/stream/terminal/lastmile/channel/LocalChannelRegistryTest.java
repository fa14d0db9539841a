package stream.terminal.lastmile.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.config.ChannelBounds;
import stream.terminal.lastmile.config.ChannelPolicies;
import stream.terminal.lastmile.config.ChannelPolicy;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.BacklogPage;
import stream.terminal.lastmile.core.Signature;

/** The embedded registry's bounds: byte budget, expiry sweep and idle eviction, through its own accounting. */
class LocalChannelRegistryTest {
  private static final long MIB = 1024 * 1024;
  /** 10,000 characters: 20,096 bytes as the budget counts them. */
  private static final String DATA = "\"" + "x".repeat(9_998) + "\"";
  private static final long SIZE = BacklogBudget.MESSAGE_OVERHEAD_BYTES + 2L * DATA.length();

  private static LocalChannelRegistry registry(ChannelBounds bounds) {
    ChannelPolicy policy = new ChannelPolicy("*", 100_000, 600, false);
    return new LocalChannelRegistry(100, new ChannelPolicies(List.of(), policy), bounds);
  }

  private static void publish(LocalChannelRegistry registry, String channel, int messages, long ts) {
    for (int i = 0; i < messages; i++) {
      registry.append(channel, ts, DATA, null, null).await();
    }
  }

  private static long firstAvailable(LocalChannelRegistry registry, String channel) {
    return registry.read(channel, 1, 1).await().firstAvailable();
  }

  @Test
  void storedMessagesKeepTheirSignatureAndCountItInTheBudget() {
    LocalChannelRegistry registry = registry(new ChannelBounds(2 * MIB, 10_000, 0));
    registry.create("signed").await();
    Signature signature = new Signature("signer-1", "A".repeat(86));
    // within the backlog's TTL: a signed message's ts is its publisher's, and the TTL counts from it
    long ts = System.currentTimeMillis() - 1_000;
    registry.append("signed", ts, DATA, signature, null).await();
    registry.append("signed", ts + 1, DATA, null, null).await();

    List<ChannelMessage> read = registry.read("signed", 1, 10).await().messages();
    assertEquals(signature, read.get(0).signature());
    assertEquals(ts, read.get(0).ts());
    assertNull(read.get(1).signature());
    long signatureSize = BacklogBudget.SIGNATURE_OVERHEAD_BYTES + 2L * ("signer-1".length() + 86);
    assertEquals(2 * SIZE + signatureSize, registry.backlogBytes());
  }

  @Test
  void backlogsStayWithinTheBudgetByTrimmingTheOldestMessagesOfTheLargest() {
    LocalChannelRegistry registry = registry(new ChannelBounds(2 * MIB, 10_000, 0));
    long now = System.currentTimeMillis();
    for (String c : List.of("big", "mid", "small")) {
      registry.create(c).await();
    }
    publish(registry, "small", 10, now);
    publish(registry, "mid", 30, now);
    publish(registry, "big", 60, now); // 100 messages: ~1.9 MiB, within the budget
    assertEquals(100 * SIZE, registry.backlogBytes());
    assertEquals(1, firstAvailable(registry, "big"));

    publish(registry, "big", 20, now); // past 2 MiB: trimmed back to 90% of it, then filled again
    assertTrue(registry.backlogBytes() <= 2 * MIB, registry.backlogBytes() + " bytes");
    assertTrue(registry.trimmed() > 0);
    assertTrue(firstAvailable(registry, "big") > 1, "the largest backlog lost its oldest messages");
    assertEquals(1, firstAvailable(registry, "small"), "a small backlog keeps everything");
    assertEquals(120 - registry.backlogBytes() / SIZE, registry.trimmed());
    // what is left is still whole and in order, up to the latest message
    BacklogPage page = registry.read("big", 1, 1000).await();
    assertEquals(80, page.lastOffset());
    assertEquals(page.firstAvailable(), page.messages().get(0).offset());
    assertEquals(80, page.messages().get(page.messages().size() - 1).offset());
  }

  @Test
  void theSweepExpiresMessagesOfChannelsNobodyTouches() {
    LocalChannelRegistry registry = registry(new ChannelBounds(64 * MIB, 10_000, 0));
    long now = System.currentTimeMillis();
    registry.create("quiet").await();
    publish(registry, "quiet", 5, now);
    assertEquals(5 * SIZE, registry.backlogBytes());
    assertEquals(0, registry.sweep(now + 601_000, c -> false), "eviction is off");
    assertEquals(0, registry.backlogBytes(), "expired messages leave memory without any request to the channel");
  }

  @Test
  void idleChannelsAreEvictedUnlessKeptAndComeBackWithANewEpoch() {
    LocalChannelRegistry registry = registry(new ChannelBounds(64 * MIB, 10_000, 60));
    long now = System.currentTimeMillis();
    String oldEpoch = registry.create("idle").await().epoch();
    registry.create("subscribed").await();
    registry.create("recent").await();
    publish(registry, "idle", 1, now);
    publish(registry, "recent", 1, now + 500_000);

    // the message of "idle" keeps it until it expires (600 s), and idle time counts from that publish
    assertEquals(0, registry.sweep(now + 300_000, Set.of("subscribed")::contains));
    assertEquals(1, registry.sweep(now + 601_000, Set.of("subscribed")::contains), "recent still has a message");
    assertEquals(List.of("recent", "subscribed"),
        registry.list().await().stream().map(i -> i.channel().name()).toList());

    GatewayException gone = (GatewayException) registry.append("idle", now, DATA, null, null).cause();
    assertEquals(ErrorCode.CHANNEL_NOT_FOUND, gone.code());
    String newEpoch = registry.create("idle").await().epoch();
    assertTrue(!newEpoch.equals(oldEpoch), "a re-created channel has a new epoch");
    assertEquals(1, registry.append("idle", now, DATA, null, null).await().offset());
  }

  @Test
  void evictionFreesTheChannelsSlot() {
    LocalChannelRegistry registry =
        new LocalChannelRegistry(1, ChannelPolicies.defaults(), new ChannelBounds(64 * MIB, 10_000, 1));
    long now = System.currentTimeMillis();
    registry.create("a").await();
    assertEquals(ErrorCode.LIMIT_EXCEEDED, ((GatewayException) registry.create("b").cause()).code());
    assertEquals(1, registry.sweep(now + 2_000, c -> false));
    registry.create("b").await();
  }
}
