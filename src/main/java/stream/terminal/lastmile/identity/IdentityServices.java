package stream.terminal.lastmile.identity;

import io.vertx.core.Vertx;
import java.time.Clock;
import stream.terminal.lastmile.config.GatewayConfig;
import stream.terminal.lastmile.config.IdentityConfig;

/**
 * What a node's listeners share to decide who a client is and what it may do: built once per node from its
 * configuration, used from every event loop.
 *
 * @param leewayMs the clock skew allowed on token times: a connection's identity ends this long after it expires
 */
public record IdentityServices(
    Authenticator authenticator,
    ChannelAccess access,
    PublishRates publishRates,
    MessageSignatures signatures,
    SubscriberCounts subscribers,
    long leewayMs) {

  /** The node's identity services, from its configuration; the OIDC issuer's keys are fetched when first needed. */
  public static IdentityServices create(Vertx vertx, GatewayConfig config) {
    IdentityConfig identity = config.identity();
    Clock clock = Clock.systemUTC();
    UserTokens users = identity.oidc() == null ? null : new OidcVerifier(vertx, identity.oidc(), clock);
    return new IdentityServices(
        new Authenticator(identity, users, clock),
        new ChannelAccess(config.channelPolicies()),
        new PublishRates(identity, clock),
        new MessageSignatures(identity, clock),
        new SubscriberCounts(),
        identity.leewaySeconds() * 1000L);
  }
}
