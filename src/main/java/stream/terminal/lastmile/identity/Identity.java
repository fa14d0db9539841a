package stream.terminal.lastmile.identity;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import stream.terminal.lastmile.core.ChannelPattern;

/**
 * Who a connection or request has proven to be (docs/security.md). Every node decides alone, from its
 * configuration and its own JWKS cache: identities are never shared through the cluster.
 *
 * @param subject the user's {@code sub}, or the key's id; null when anonymous
 * @param scopes the user's OAuth2 scopes (empty for other kinds)
 * @param channels the channel patterns the identity carries: a user's channels claim, a key's patterns
 * @param expiresAtMs when the identity ends (ms since the epoch); 0 when it does not expire
 */
public record Identity(Kind kind, String subject, Set<String> scopes, List<ChannelPattern> channels, long expiresAtMs) {
  public static final Identity ANONYMOUS = new Identity(Kind.ANONYMOUS, null, Set.of(), List.of(), 0);
  /** A holder of one of the listener's legacy tokens: whatever the listener grants, on every channel. */
  public static final Identity LISTENER_TOKEN =
      new Identity(Kind.LISTENER_TOKEN, "listener-token", Set.of(), List.of(ChannelPattern.of("*")), 0);

  /** How the identity was proven. */
  public enum Kind {
    ANONYMOUS,
    /** One of the listener's legacy {@code auth_tokens}. */
    LISTENER_TOKEN,
    /** An OIDC access token. */
    USER,
    /** A publisher's API key, checked against its configured hash. */
    API_KEY,
    /** A publisher's JWT, signed with a whitelisted public key. */
    PUBLIC_KEY;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public boolean anonymous() {
    return kind == Kind.ANONYMOUS;
  }

  /** Whether the identity is one of the publisher keys (API key or public key), which carry channel patterns. */
  public boolean key() {
    return kind == Kind.API_KEY || kind == Kind.PUBLIC_KEY;
  }

  public boolean expires() {
    return expiresAtMs > 0;
  }

  /** {@code {kind, subject, expires_at}}: the reply to a sign-on on every transport; expires_at null when never. */
  public JsonObject describe() {
    return new JsonObject()
        .put("kind", kind.wire())
        .put("subject", subject)
        .put("expires_at", expires() ? expiresAtMs : null);
  }

  /** Whether one of {@link #channels} matches {@code channel}. */
  public boolean covers(String channel) {
    return ChannelPattern.anyMatches(channels, channel);
  }
}
