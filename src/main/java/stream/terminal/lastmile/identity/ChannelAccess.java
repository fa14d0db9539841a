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
   *     publishers), {@code bad_signature} (an unsigned message where signatures are required)
   */
  public void requirePublish(Identity identity, String channel, boolean signed) {
    ChannelPolicy policy = policies.forChannel(channel);
    requirePublisher(identity, channel, policy);
    if (policy.signaturesRequired() && !signed) {
      throw new GatewayException(ErrorCode.BAD_SIGNATURE, "channel " + channel + " requires signed messages");
    }
  }

  private static void requirePublisher(Identity identity, String channel, ChannelPolicy policy) {
    if (identity.key() && !identity.covers(channel)) {
      throw new GatewayException(ErrorCode.PERMISSION_DENIED,
          "key '" + identity.subject() + "' may not publish on channel " + channel);
    }
    if (policy.publishers().isEmpty()) {
      return;
    }
    if (!identity.key()) {
      throw new GatewayException(identity.anonymous() ? ErrorCode.UNAUTHENTICATED : ErrorCode.PERMISSION_DENIED,
          "channel " + channel + " takes publishes only from its configured publisher keys");
    }
    if (!policy.publishers().contains(identity.subject())) {
      throw new GatewayException(ErrorCode.PERMISSION_DENIED,
          "key '" + identity.subject() + "' is not among the publishers of channel " + channel);
    }
  }
}
