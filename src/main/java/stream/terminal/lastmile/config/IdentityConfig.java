package stream.terminal.lastmile.config;

import java.util.List;

/**
 * The {@code identity} section: who subscribers and publishers may prove to be (docs/configuration.md).
 *
 * @param oidc the issuer whose access tokens sign subscribers on, or null: no user tokens are accepted
 * @param apiKeys publishers' keys, stored as hashes
 * @param publicKeys whitelisted publisher keys
 */
public record IdentityConfig(
    OidcConfig oidc,
    PublisherTokensConfig publisherTokens,
    SignaturesConfig signatures,
    List<ApiKeyConfig> apiKeys,
    List<PublicKeyConfig> publicKeys) {
  /** No identity section: listener tokens and anonymous clients only. */
  public static final IdentityConfig NONE =
      new IdentityConfig(null, PublisherTokensConfig.DEFAULTS, SignaturesConfig.DEFAULTS, List.of(), List.of());

  /** The clock skew allowed on tokens' times when no OIDC issuer sets one. */
  public static final int DEFAULT_LEEWAY_SECONDS = 30;

  public IdentityConfig {
    apiKeys = List.copyOf(apiKeys);
    publicKeys = List.copyOf(publicKeys);
  }

  /** The clock skew allowed on exp, nbf, iat and on replay memory: the OIDC issuer's, else 30 s. */
  public int leewaySeconds() {
    return oidc == null ? DEFAULT_LEEWAY_SECONDS : oidc.leewaySeconds();
  }

  /** Whether any publisher key (API key or public key) is configured. */
  public boolean hasPublisherKeys() {
    return !apiKeys.isEmpty() || !publicKeys.isEmpty();
  }

  /** The public key with this id, or null. */
  public PublicKeyConfig publicKey(String id) {
    for (PublicKeyConfig key : publicKeys) {
      if (key.id().equals(id)) {
        return key;
      }
    }
    return null;
  }
}
