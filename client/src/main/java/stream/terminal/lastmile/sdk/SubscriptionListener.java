package stream.terminal.lastmile.sdk;

/**
 * What happens to a subscription besides its messages; every method has an empty default. Called on the client's
 * context.
 */
public interface SubscriptionListener {
  /** Messages were lost to this subscription (a resume that could not recover them, or a new epoch). */
  default void onGap(Gap gap) {}

  /** The connection ended; {@code willReconnect} false means the subscription is finished. */
  default void onDisconnect(int code, String reason, boolean willReconnect) {}

  /** A reconnect is scheduled: attempt {@code attempt} (1 after a connection ends) in {@code delayMs}. */
  default void onReconnect(int attempt, long delayMs) {}

  /** The subscription is active again (after every subscribe reply, the first one too). */
  default void onSubscribed(ChannelState position) {}

  /**
   * A refusal (the subscribe's {@code channel_not_found}, {@code permission_denied}, ...; the sign-on's
   * {@code invalid_token}, ...) or a failed connection ({@code unavailable}). The subscription stays registered and
   * is sent again on the next connection, as the browser client does; {@link Subscription#close()} drops it.
   */
  default void onError(LastMileException error) {}
}
