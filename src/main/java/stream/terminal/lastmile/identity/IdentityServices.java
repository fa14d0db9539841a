package stream.terminal.lastmile.identity;

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

  /** The node's identity services, from its configuration (TEMPORARY until the identity classes land). */
  public static IdentityServices create() {
    return new IdentityServices(new Authenticator(), new ChannelAccess(), new PublishRates(), new MessageSignatures(),
        new SubscriberCounts(), 30_000);
  }
}
