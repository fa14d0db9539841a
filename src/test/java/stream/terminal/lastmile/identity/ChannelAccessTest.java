package stream.terminal.lastmile.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.config.ChannelPolicies;
import stream.terminal.lastmile.config.ChannelPolicy;
import stream.terminal.lastmile.config.SubscribeRule;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;

/** Per-namespace access: subscribe rules, history, caps, publishers and required signatures. */
class ChannelAccessTest {
  private static ChannelPolicy policy(String pattern, SubscribeRule subscribe, boolean history, int max,
      List<String> publishers, boolean signatures) {
    return new ChannelPolicy(pattern, 100, 60, false, subscribe, history, max, publishers, false, signatures);
  }

  private final ChannelAccess access = new ChannelAccess(new ChannelPolicies(List.of(
      policy("members.*", SubscribeRule.SIGNED_IN, false, 10, List.of(), false),
      policy("premium.*", SubscribeRule.CHANNELS_CLAIM, true, 0, List.of("feed", "signer"), true),
      policy("news.*", SubscribeRule.scope("news:read"), true, 0, List.of(), false),
      new ChannelPolicy("forum.*", 100, 60, false, SubscribeRule.SIGNED_IN, true, 0, List.of(), true, false),
      new ChannelPolicy("desk.*", 100, 60, false, SubscribeRule.SIGNED_IN, true, 0, List.of("other"), true, false)),
      ChannelPolicy.DEFAULT));

  private static final Identity ALICE = new Identity(Identity.Kind.USER, "alice", Set.of("news:read"),
      TestKeys.patterns("premium.gold"), 1);
  private static final Identity BOB = new Identity(Identity.Kind.USER, "bob", Set.of(), List.of(), 1);
  private static final Identity FEED = new Identity(Identity.Kind.API_KEY, "feed", Set.of(),
      TestKeys.patterns("premium.*", "open.*"), 0);
  private static final Identity OTHER_KEY = new Identity(Identity.Kind.PUBLIC_KEY, "other", Set.of(),
      TestKeys.patterns("*"), 0);
  private static final Identity TOKEN = new Identity(Identity.Kind.LISTENER_TOKEN, "listener-token", Set.of(),
      TestKeys.patterns("*"), 0);

  private static void refused(ErrorCode code, Runnable check) {
    GatewayException e = assertThrows(GatewayException.class, check::run);
    assertEquals(code, e.code(), e.getMessage());
  }

  @Test
  void anonymousChannelsNeedNothing() {
    access.requireSubscribe(Identity.ANONYMOUS, "public.x");
    access.requireSubscribe(BOB, "public.x");
    access.requireCreate(Identity.ANONYMOUS, "public.x");
    access.requirePublish(Identity.ANONYMOUS, "public.x", false);
    access.requirePublish(TOKEN, "public.x", false);
    assertTrue(access.historyAllowed("public.x"));
    assertEquals(0, access.maxSubscribers("public.x"));
  }

  @Test
  void subscribeRules() {
    GatewayException e = assertThrows(GatewayException.class,
        () -> access.requireSubscribe(Identity.ANONYMOUS, "members.a"));
    assertEquals(ErrorCode.UNAUTHENTICATED, e.code());
    assertEquals("channel members.a requires sign-on", e.getMessage());
    access.requireSubscribe(BOB, "members.a");
    access.requireSubscribe(ALICE, "premium.gold");
    refused(ErrorCode.PERMISSION_DENIED, () -> access.requireSubscribe(ALICE, "premium.silver"));
    refused(ErrorCode.PERMISSION_DENIED, () -> access.requireSubscribe(BOB, "premium.gold"));
    access.requireSubscribe(FEED, "premium.gold");
    access.requireSubscribe(ALICE, "news.x");
    refused(ErrorCode.PERMISSION_DENIED, () -> access.requireSubscribe(BOB, "news.x"));
    refused(ErrorCode.UNAUTHENTICATED, () -> access.requireSubscribe(Identity.ANONYMOUS, "news.x"));
    access.requireSubscribe(TOKEN, "news.x");
    access.requireSubscribe(TOKEN, "premium.silver");
  }

  @Test
  void historyAndCaps() {
    assertFalse(access.historyAllowed("members.a"));
    assertEquals(10, access.maxSubscribers("members.a"));
  }

  @Test
  void aKeyPublishesOnlyOnItsOwnPatterns() {
    access.requirePublish(FEED, "open.x", false);
    refused(ErrorCode.PERMISSION_DENIED, () -> access.requirePublish(FEED, "public.x", false));
    refused(ErrorCode.PERMISSION_DENIED, () -> access.requireCreate(FEED, "public.x"));
  }

  @Test
  void aPublishersListAdmitsOnlyItsKeys() {
    access.requireCreate(FEED, "premium.gold");
    access.requirePublish(FEED, "premium.gold", true);
    refused(ErrorCode.PERMISSION_DENIED, () -> access.requirePublish(OTHER_KEY, "premium.gold", true));
    refused(ErrorCode.PERMISSION_DENIED, () -> access.requirePublish(TOKEN, "premium.gold", true));
    refused(ErrorCode.UNAUTHENTICATED, () -> access.requireCreate(Identity.ANONYMOUS, "premium.gold"));
  }

  @Test
  void usersPublishOnlyWhereTheirNamespaceGrantsIt() {
    // a sign-on token of the public side: no publishing on a namespace that lists no publishers, nor on one that does
    refused(ErrorCode.PERMISSION_DENIED, () -> access.requireCreate(BOB, "public.x"));
    refused(ErrorCode.PERMISSION_DENIED, () -> access.requirePublish(BOB, "public.x", false));
    refused(ErrorCode.PERMISSION_DENIED, () -> access.requirePublish(ALICE, "premium.gold", true));
    // users_may_publish: true admits any signed-in user, beside the keys its publishers list
    access.requireCreate(BOB, "forum.x");
    access.requirePublish(BOB, "forum.x", false);
    access.requirePublish(BOB, "desk.eu", false);
    access.requirePublish(OTHER_KEY, "desk.eu", false);
    refused(ErrorCode.PERMISSION_DENIED, () -> access.requirePublish(TOKEN, "desk.eu", false));
  }

  @Test
  void requiredSignaturesRefuseUnsignedPublishes() {
    refused(ErrorCode.BAD_SIGNATURE, () -> access.requirePublish(FEED, "premium.gold", false));
    access.requireCreate(FEED, "premium.gold"); // creating carries no message
  }
}
