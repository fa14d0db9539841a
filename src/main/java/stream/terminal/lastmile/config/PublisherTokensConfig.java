package stream.terminal.lastmile.config;

/**
 * {@code identity.publisher_tokens}: the JWTs publishers sign with a whitelisted key.
 *
 * @param audience their {@code aud} must equal this
 * @param maxLifetimeSeconds {@code exp - iat} at most this
 */
public record PublisherTokensConfig(String audience, int maxLifetimeSeconds) {
  public static final PublisherTokensConfig DEFAULTS = new PublisherTokensConfig("last-mile", 300);
}
