package stream.terminal.lastmile.identity;

import stream.terminal.lastmile.config.ChannelPolicies;
import stream.terminal.lastmile.config.ChannelPolicy;
import stream.terminal.lastmile.config.SubscribeRule;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;

/**
 * Who may do what on a channel, from its policy (docs/configuration.md, channel policies). The listener's own
 * permissions are checked before these. A listener token (the legacy operator token) passes every rule but a
 * policy's {@code publishers} list. Thread-safe.
 *
 * <p>Who may create and publish ({@link #requirePublisher}), on every ingest surface alike: a publisher key within
 * its own patterns and, where the policy lists {@code publishers}, among them; a listener token or an anonymous
 * client (where the listener admits one) only where the policy lists no {@code publishers}; a signed-in user only
 * where the policy says {@code users_may_publish: true}. A user's sign-on is for the public side: every user of the
 * identity provider has one, so it never grants publishing by default.
 */
public final class ChannelAccess {
  private final ChannelPolicies policies;

  public ChannelAccess(ChannelPolicies policies) {
    this.policies = policies;
  }

  /**
   * @throws GatewayException {@code unauthenticated} for an anonymous client on a channel that needs sign-on,
   *     {@code permission_denied} for an identity the rule does not admit
   */
  public void requireSubscribe(Identity identity, String channel) {
    SubscribeRule rule = policies.forChannel(channel).subscribe();
    if (rule.kind() == SubscribeRule.Kind.ANONYMOUS || identity.kind() == Identity.Kind.LISTENER_TOKEN) {
      return;
    }
    if (identity.anonymous()) {
      throw new GatewayException(ErrorCode.UNAUTHENTICATED, "channel " + channel + " requires sign-on");
    }
    boolean admitted = switch (rule.kind()) {
      case ANONYMOUS, SIGNED_IN -> true;
      case CHANNELS_CLAIM -> identity.covers(channel);
      case SCOPE -> identity.scopes().contains(rule.scope());
    };
    if (!admitted) {
      throw new GatewayException(ErrorCode.PERMISSION_DENIED, rule.kind() == SubscribeRule.Kind.SCOPE
          ? "channel " + channel + " requires the scope " + rule.scope()
          : "channel " + channel + " is not among the channels of " + identity.kind().wire() + " " + identity.subject());
    }
  }

  public boolean historyAllowed(String channel) {
    return policies.forChannel(channel).history();
  }

  /** Subscribers of the channel one node admits; 0 = no cap. */
  public int maxSubscribers(String channel) {
    return policies.forChannel(channel).maxSubscribers();
  }

  /** @throws GatewayException as {@link #requirePublish}, signatures aside */
  public void requireCreate(Identity identity, String channel) {
    requirePublisher(identity, channel, policies.forChannel(channel));
  }

  /**
   * @param signed whether the message carries a signature (checked elsewhere, by {@link MessageSignatures})
   * @throws GatewayException {@code unauthenticated} (the channel takes only its configured keys and none was
   *     presented), {@code permission_denied} (a key outside its own patterns or not among the channel's
   *     publishers, a signed-in user where the namespace does not grant users publishing), {@code bad_signature}
   *     (an unsigned message where signatures are required)
   */
  public void requirePublish(Identity identity, String channel, boolean signed) {
    ChannelPolicy policy = policies.forChannel(channel);
    requirePublisher(identity, channel, policy);
    if (policy.signaturesRequired() && !signed) {
      throw new GatewayException(ErrorCode.BAD_SIGNATURE, "channel " + channel + " requires signed messages");
    }
  }

  private static void requirePublisher(Identity identity, String channel, ChannelPolicy policy) {
    switch (identity.kind()) {
      case USER -> {
        if (!policy.usersMayPublish()) {
          throw new GatewayException(ErrorCode.PERMISSION_DENIED, "channel " + channel
              + " takes no publishes from signed-in users (its namespace does not set users_may_publish)");
        }
      }
      case API_KEY, PUBLIC_KEY -> {
        if (!identity.covers(channel)) {
          throw new GatewayException(ErrorCode.PERMISSION_DENIED,
              "key '" + identity.subject() + "' may not publish on channel " + channel);
        }
        if (!policy.publishers().isEmpty() && !policy.publishers().contains(identity.subject())) {
          throw new GatewayException(ErrorCode.PERMISSION_DENIED,
              "key '" + identity.subject() + "' is not among the publishers of channel " + channel);
        }
      }
      case ANONYMOUS, LISTENER_TOKEN -> {
        if (!policy.publishers().isEmpty()) {
          throw new GatewayException(identity.anonymous() ? ErrorCode.UNAUTHENTICATED : ErrorCode.PERMISSION_DENIED,
              "channel " + channel + " takes publishes only from its configured publisher keys");
        }
      }
    }
  }
}
