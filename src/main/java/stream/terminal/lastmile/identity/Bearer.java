package stream.terminal.lastmile.identity;

/** The credential of an {@code Authorization: Bearer <credential>} header (RFC 6750). */
public final class Bearer {
  private static final String SCHEME = "Bearer ";

  private Bearer() {}

  /** @return the credential, or null when the header is absent, of another scheme, or empty */
  public static String credential(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return null;
    }
    String credential = authorization.substring(SCHEME.length()).trim();
    return credential.isEmpty() ? null : credential;
  }
}
