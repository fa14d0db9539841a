package stream.terminal.lastmile.cluster;

import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IndeterminateOperationStateException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;

/** What a failed Hazelcast call tells a client: refused for sure, or of unknown outcome. */
final class Outcomes {
  private Outcomes() {}

  /**
   * A write refused by the split-brain protection was not run (Hazelcast checks before it runs the operation):
   * {@code unavailable}, nothing stored. A write whose member left, that timed out, whose backup did not confirm
   * ({@code hazelcast.operation.fail.on.indeterminate.state}) or whose member is shutting down may have been
   * stored: Hazelcast does not run it again (it could apply twice), and the publisher is told the outcome is
   * unknown so it can publish again with its idempotency key.
   */
  static Throwable ofWrite(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof SplitBrainProtectionException) {
      return minority();
    }
    if (indeterminate(cause)) {
      return GatewayException.outcomeUnknown("not confirmed: " + cause.getClass().getSimpleName()
          + " while storing; publish again with the same idempotency key");
    }
    return failure;
  }

  /** A read that cannot be answered now is retryable: {@code unavailable}. */
  static Throwable ofRead(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof SplitBrainProtectionException || indeterminate(cause)) {
      return new GatewayException(ErrorCode.UNAVAILABLE,
          "the cluster cannot answer now (" + cause.getClass().getSimpleName() + "); try again");
    }
    return failure;
  }

  /**
   * Hands Hazelcast's result back to {@code context}, a failure as a client is to see it ({@link #ofWrite} or
   * {@link #ofRead}). The callback runs on the thread that completes the stage: Hazelcast's default callback
   * executor starts a new thread per callback when the JVM's common pool has a single thread (any two-core
   * machine), which capped publishing at a few hundred messages a second.
   */
  static <T> Future<T> on(Context context, CompletionStage<T> stage, boolean write) {
    Promise<T> result = Promise.promise();
    stage.whenCompleteAsync((value, failure) -> context.runOnContext(v -> {
      if (failure != null) {
        result.fail(write ? ofWrite(failure) : ofRead(failure));
      } else {
        result.complete(value);
      }
    }), Runnable::run);
    return result.future();
  }

  static GatewayException minority() {
    return new GatewayException(ErrorCode.UNAVAILABLE,
        "this node is not in the cluster's majority (or is merging): nothing was stored; use another node");
  }

  /**
   * A read on a member without its view: what it holds may include writes of its side of a split that were never
   * acknowledged (stored on it, their backup unconfirmed), which a subscriber must not be shown.
   */
  static GatewayException minorityRead() {
    return new GatewayException(ErrorCode.UNAVAILABLE, "this node is not in the cluster's majority (or is merging):"
        + " it cannot answer for the channel now; use another node");
  }

  private static boolean indeterminate(Throwable cause) {
    return cause instanceof IndeterminateOperationStateException || cause instanceof MemberLeftException
        || cause instanceof TargetNotMemberException || cause instanceof OperationTimeoutException
        || cause instanceof HazelcastInstanceNotActiveException;
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && !(cause instanceof MemberLeftException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
