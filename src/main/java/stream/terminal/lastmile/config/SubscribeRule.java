package stream.terminal.lastmile.config;

/**
 * Who may subscribe to a channel ({@code subscribe} of a channel policy).
 *
 * @param scope the OAuth2 scope required, for {@link Kind#SCOPE} only; else null
 */
public record SubscribeRule(Kind kind, String scope) {
  public static final SubscribeRule ANONYMOUS = new SubscribeRule(Kind.ANONYMOUS, null);
  public static final SubscribeRule SIGNED_IN = new SubscribeRule(Kind.SIGNED_IN, null);
  public static final SubscribeRule CHANNELS_CLAIM = new SubscribeRule(Kind.CHANNELS_CLAIM, null);

  public enum Kind {
    /** Anyone, with or without a credential. */
    ANONYMOUS,
    /** Any authenticated identity. */
    SIGNED_IN,
    /** A user whose channels claim (or a key whose patterns) cover the channel. */
    CHANNELS_CLAIM,
    /** A user holding the scope. */
    SCOPE
  }

  public static SubscribeRule scope(String scope) {
    return new SubscribeRule(Kind.SCOPE, scope);
  }

  /** Whether the rule needs users' access tokens, that is {@code identity.oidc}. */
  public boolean needsUsers() {
    return kind != Kind.ANONYMOUS;
  }
}
