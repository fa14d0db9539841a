package stream.terminal.lastmile.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import stream.terminal.lastmile.config.ConfigParser;
import stream.terminal.lastmile.config.IdentityConfig;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.config.PublishRate;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;

/** How each kind of credential is classified and checked, and on which context the answer arrives. */
@ExtendWith(VertxExtension.class)
class AuthenticatorTest {
  private static final long NOW = 1_764_489_600_000L;
  private static final KeyPair ED = TestKeys.ed25519();
  private static final String API_KEY = "lmk_0123456789abcdefghijklmnopqrstuvwxyzABCDE";
  private static final IdentityConfig CONFIG = TestKeys.identity(
      List.of(TestKeys.apiKey("feed-1", API_KEY, PublishRate.UNLIMITED, "indicators.*")),
      List.of(TestKeys.publicKey("signer-1", ED, "news.*")));
  private static final ListenerConfig LISTENER = ConfigParser.parse(new JsonObject()
      .put("node", new JsonObject().put("roles", new JsonArray().add("ingest"))).put("listeners", new JsonArray()
      .add(new JsonObject().put("name", "private").put("role", "ingest").put("port", 0)
          .put("auth_tokens", new JsonArray().add("legacy-token-1").add("legacy-token-2"))))).listeners().get(0);

  private final TestKeys.MutableClock clock = new TestKeys.MutableClock(NOW);

  /** User tokens as an issuer's verifier answers them: later, from another thread. */
  private static final class LateUserTokens implements UserTokens {
    private final Vertx vertx;

    LateUserTokens(Vertx vertx) {
      this.vertx = vertx;
    }

    @Override
    public Future<Identity> verify(String token) {
      Promise<Identity> promise = Promise.promise();
      new Thread(() -> {
        if (token.endsWith(".bad")) {
          promise.fail(new GatewayException(ErrorCode.INVALID_TOKEN, "bad signature"));
        } else if (token.endsWith(".boom")) {
          promise.fail(new IllegalStateException("the verifier broke"));
        } else {
          promise.complete(new Identity(Identity.Kind.USER, "alice", Set.of("read"), List.of(), NOW + 60_000));
        }
      }, "issuer-thread").start();
      return promise.future();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static GatewayException failure(Future<Identity> future) throws InterruptedException, TimeoutException {
    try {
      future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return (GatewayException) e.getCause();
    }
    throw new AssertionError("expected a refusal");
  }

  @Test
  void listenerTokensApiKeysAndPublisherTokens() throws Exception {
    Authenticator authenticator = new Authenticator(CONFIG, null, clock);
    Identity token = await(authenticator.authenticate("legacy-token-2", LISTENER));
    assertEquals(Identity.Kind.LISTENER_TOKEN, token.kind());
    assertEquals("listener-token", token.subject());
    assertTrue(token.covers("anything"));

    Identity key = await(authenticator.authenticate(API_KEY, LISTENER));
    assertEquals(Identity.Kind.API_KEY, key.kind());
    assertEquals("feed-1", key.subject());
    assertTrue(key.covers("indicators.btc"));
    assertEquals(0, key.expiresAtMs());

    Identity signer = await(authenticator.authenticate(
        JwsSigner.publisherToken(ED.getPrivate(), "signer-1", "last-mile", clock.instant(), 60), LISTENER));
    assertEquals(Identity.Kind.PUBLIC_KEY, signer.kind());
    assertEquals("signer-1", signer.subject());
  }

  @Test
  void badCredentialsAreInvalidTokens() throws Exception {
    Authenticator authenticator = new Authenticator(CONFIG, null, clock);
    for (String bad : List.of("", "legacy-token-3", API_KEY + "x", "lmk_", "a.b.c", "not-a-token",
        "x".repeat(Authenticator.MAX_CREDENTIAL_CHARS + 1))) {
      assertEquals(ErrorCode.INVALID_TOKEN, failure(authenticator.authenticate(bad, LISTENER)).code(), bad);
    }
    assertEquals(ErrorCode.INVALID_TOKEN, failure(authenticator.authenticate(null, LISTENER)).code());
    // a JWT of an unknown kid, with no issuer configured
    String stranger = JwsSigner.publisherToken(TestKeys.ed25519().getPrivate(), "stranger", "last-mile",
        clock.instant(), 60);
    assertTrue(failure(authenticator.authenticate(stranger, LISTENER)).getMessage().contains("no identity.oidc"));
    String expired = JwsSigner.publisherToken(ED.getPrivate(), "signer-1", "last-mile",
        Instant.ofEpochMilli(NOW - 200_000), 60);
    assertEquals(ErrorCode.TOKEN_EXPIRED, failure(authenticator.authenticate(expired, LISTENER)).code());
  }

  @Test
  void otherJwtsGoToTheIssuersVerifierAndTheAnswerComesBackOnTheCallersContext(Vertx vertx,
      VertxTestContext test) {
    Authenticator authenticator = new Authenticator(CONFIG, new LateUserTokens(vertx), clock);
    String userToken = JwsSigner.publisherToken(TestKeys.ed25519().getPrivate(), "issuer-key", "x", clock.instant(), 60);
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> authenticator.authenticate(userToken, LISTENER).onComplete(test.succeeding(user ->
        test.verify(() -> {
          assertSame(context, Vertx.currentContext());
          assertEquals("alice", user.subject());
          authenticator.authenticate(userToken.substring(0, userToken.lastIndexOf('.')) + ".bad", LISTENER)
              .onComplete(test.failing(e -> test.verify(() -> {
                assertSame(context, Vertx.currentContext());
                assertEquals(ErrorCode.INVALID_TOKEN, ((GatewayException) e).code());
                authenticator.authenticate(userToken.substring(0, userToken.lastIndexOf('.')) + ".boom", LISTENER)
                    .onComplete(test.failing(broken -> test.verify(() -> {
                      assertSame(context, Vertx.currentContext());
                      assertEquals(ErrorCode.INTERNAL, ((GatewayException) broken).code());
                      test.completeNow();
                    })));
              })));
        }))));
  }

  @Test
  void outsideAContextTheAnswerCompletesWhereItIsReady(Vertx vertx) throws Exception {
    Authenticator authenticator = new Authenticator(CONFIG, new LateUserTokens(vertx), clock);
    String userToken = JwsSigner.publisherToken(TestKeys.ed25519().getPrivate(), "issuer-key", "x", clock.instant(), 60);
    assertEquals("alice", await(authenticator.authenticate(userToken, LISTENER)).subject());
  }
}
