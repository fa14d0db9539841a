package stream.terminal.lastmile.identity;

import io.vertx.core.Future;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;

/** The credential of an {@code Authorization: Bearer <credential>} header (RFC 6750). */
public final class Bearer {
  private static final String SCHEME = "Bearer ";

  private Bearer() {}

  /**
   * The identity an {@code Authorization} header proves: its credential, through the node's authenticator.
   * A header of another scheme, or an empty one, fails with {@code unauthenticated}.
   */
  public static Future<Identity> authenticate(String authorization, Authenticator authenticator,
      ListenerConfig listener) {
    String credential = credential(authorization);
    return credential == null
        ? Future.failedFuture(new GatewayException(ErrorCode.UNAUTHENTICATED, "Authorization must be Bearer <credential>"))
        : authenticator.authenticate(credential, listener);
  }

  /** @return the credential, or null when the header is absent, of another scheme, or empty */
  public static String credential(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return null;
    }
    String credential = authorization.substring(SCHEME.length()).trim();
    return credential.isEmpty() ? null : credential;
  }
}
