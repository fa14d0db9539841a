package stream.terminal.lastmile.identity;

import io.vertx.core.Future;

/** Validates users' access tokens (OIDC): thread-safe, shared by every listener of a node. */
public interface UserTokens {
  /**
   * @return the user's identity, or a failed future with a {@code GatewayException}: {@code invalid_token} or
   *     {@code token_expired}. It may complete on any thread.
   */
  Future<Identity> verify(String token);
}
