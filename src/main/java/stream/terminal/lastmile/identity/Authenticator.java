package stream.terminal.lastmile.identity;

import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.text.ParseException;
import java.time.Clock;
import java.util.Set;
import stream.terminal.lastmile.auth.TokenAuth;
import stream.terminal.lastmile.config.ApiKeyConfig;
import stream.terminal.lastmile.config.IdentityConfig;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;

/**
 * Turns a presented credential into an {@link Identity}: one per node, shared by every listener, thread-safe.
 * Never logs a credential.
 */
public final class Authenticator {
  /** Longer credentials are refused before any parsing: no access token or key comes near it. */
  public static final int MAX_CREDENTIAL_CHARS = 8 * 1024;

  private final ApiKeys apiKeys;
  private final PublisherTokens publisherTokens;
  private final UserTokens userTokens;

  /**
   * @param userTokens the OIDC verifier, or null when {@code identity.oidc} is not configured
   */
  public Authenticator(IdentityConfig config, UserTokens userTokens, Clock clock) {
    this.apiKeys = new ApiKeys(config.apiKeys());
    this.publisherTokens = new PublisherTokens(config, clock);
    this.userTokens = userTokens;
  }

  /**
   * Classifies and checks {@code credential}: one of the listener's {@code auth_tokens}, an API key
   * ({@code lmk_...}), a publisher JWT (its {@code kid} names a public key), or a user's access token.
   *
   * @return the identity, or a failed future with a {@link GatewayException} ({@code invalid_token},
   *     {@code token_expired}, {@code rate_limited}). It completes on the caller's Vert.x context, when called on
   *     one.
   */
  public Future<Identity> authenticate(String credential, ListenerConfig listener) {
    try {
      return onCallersContext(classify(credential, listener));
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Identity> classify(String credential, ListenerConfig listener) {
    if (credential == null || credential.isBlank()) {
      throw invalid("no credential");
    }
    if (credential.length() > MAX_CREDENTIAL_CHARS) {
      throw invalid("longer than " + MAX_CREDENTIAL_CHARS + " characters");
    }
    if (new TokenAuth(listener.authTokens()).isToken(credential)) {
      return Future.succeededFuture(Identity.LISTENER_TOKEN);
    }
    if (credential.startsWith(ApiKeys.PREFIX)) {
      ApiKeyConfig key = apiKeys.find(credential);
      if (key == null) {
        throw invalid("unknown API key");
      }
      return Future.succeededFuture(new Identity(Identity.Kind.API_KEY, key.id(), Set.of(), key.channels(), 0));
    }
    SignedJWT jwt = parseJws(credential);
    if (publisherTokens.issuedBy(jwt)) {
      return Future.succeededFuture(publisherTokens.verify(jwt));
    }
    if (userTokens == null) {
      throw invalid("user tokens are not accepted here (no identity.oidc), and no public key has this kid");
    }
    Future<Identity> user;
    try {
      user = userTokens.verify(credential);
    } catch (RuntimeException e) {
      user = Future.failedFuture(e);
    }
    return user.recover(failure -> Future.failedFuture(GatewayException.of(failure)));
  }

  private static SignedJWT parseJws(String credential) {
    if (credential.chars().filter(c -> c == '.').count() != 2) {
      throw invalid("not a listener token, an API key or a signed JWT");
    }
    try {
      return SignedJWT.parse(credential);
    } catch (ParseException | IllegalArgumentException e) {
      throw invalid("malformed JWT (unsigned ones, alg none, are never accepted)");
    }
  }

  /** Sessions are single-threaded on their context: an answer that arrives elsewhere is carried back there. */
  private static Future<Identity> onCallersContext(Future<Identity> result) {
    Context caller = Vertx.currentContext();
    if (caller == null || result.isComplete()) {
      return result;
    }
    Promise<Identity> promise = Promise.promise();
    result.onComplete(outcome -> {
      if (Vertx.currentContext() == caller) {
        promise.handle(outcome);
      } else {
        caller.runOnContext(v -> promise.handle(outcome));
      }
    });
    return promise.future();
  }

  private static GatewayException invalid(String why) {
    return new GatewayException(ErrorCode.INVALID_TOKEN, why);
  }
}
