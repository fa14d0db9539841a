package stream.terminal.lastmile.sdk;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Exactly-once publishing on the client's side (docs/client-java.md): every publish carries an idempotency key,
 * and a publish whose outcome the client cannot know is sent again with the same key, which the node stores once.
 */
final class IdempotencyKeys {
  private IdempotencyKeys() {}

  /** A fresh key: a random UUID (36 characters of the 64 and the alphabet a key may use). */
  static String fresh() {
    return UUID.randomUUID().toString();
  }

  /**
   * Runs {@code attempt} (one publish with one key) and runs it again while it fails with an indeterminate
   * outcome, at most {@code options.publishRetries()} more times, waiting a jittered backoff between attempts.
   * A definite refusal (bad_request, permission_denied, ...) is never retried.
   */
  static <T> Future<T> withRetries(Context context, ClientOptions options, Supplier<Future<T>> attempt) {
    Promise<T> result = Promise.promise();
    run(context, new Backoff(options.retryInitialMs(), options.retryMaxMs()), options.publishRetries(), 1, attempt,
        result);
    return result.future();
  }

  private static <T> void run(Context context, Backoff backoff, int retries, int attemptNo,
      Supplier<Future<T>> attempt, Promise<T> result) {
    attempt.get().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else if (attemptNo <= retries && ar.cause() instanceof LastMileException e && e.indeterminate()) {
        context.owner().setTimer(backoff.delayMs(attemptNo),
            t -> run(context, backoff, retries, attemptNo + 1, attempt, result));
      } else {
        result.fail(ar.cause());
      }
    });
  }
}
