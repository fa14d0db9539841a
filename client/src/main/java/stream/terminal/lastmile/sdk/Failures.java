package stream.terminal.lastmile.sdk;

import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;

/** Turns a gRPC status, or a call that got no answer, into a {@link LastMileException} with its code. */
final class Failures {
  /** The trailer in which the node names the error code, so clients need not guess it from the status. */
  static final String CODE_TRAILER = "lastmile-error-code";
  /** {@code unknown} when a refused publish may have been stored all the same. */
  static final String STORED_TRAILER = "lastmile-stored";

  private Failures() {}

  static LastMileException of(GrpcClientResponse<?, ?> response) {
    GrpcStatus status = response.status();
    String code = response.trailers() == null ? null : response.trailers().get(CODE_TRAILER);
    if (code == null && response.headers() != null) {
      code = response.headers().get(CODE_TRAILER); // a "trailers-only" answer: a refusal before any message
    }
    String message = response.statusMessage();
    String stored = response.trailers() == null ? null : response.trailers().get(STORED_TRAILER);
    if (stored == null && response.headers() != null) {
      stored = response.headers().get(STORED_TRAILER);
    }
    return new LastMileException(code != null && !code.isEmpty() ? code : fallback(status),
        message == null || message.isEmpty() ? "gRPC status " + status : message, "unknown".equals(stored));
  }

  /** A failure without a status: no connection, a reset stream, a deadline. */
  static LastMileException of(Throwable failure) {
    if (failure instanceof LastMileException e) {
      return e;
    }
    String text = String.valueOf(failure.getMessage());
    if (failure instanceof java.util.concurrent.TimeoutException || text.contains("imeout")) {
      return new LastMileException(LastMileException.TIMEOUT, "no answer in time: " + text, failure);
    }
    return new LastMileException(LastMileException.UNAVAILABLE, "the node did not answer: " + failure, failure);
  }

  /** The code for a status without the trailer (a proxy's or the transport's own status). */
  private static String fallback(GrpcStatus status) {
    if (status == null) {
      return LastMileException.UNAVAILABLE;
    }
    return switch (status) {
      case INVALID_ARGUMENT -> "bad_request";
      case UNIMPLEMENTED -> "unknown_op";
      case RESOURCE_EXHAUSTED -> "rate_limited";
      case UNAUTHENTICATED -> "unauthenticated";
      case PERMISSION_DENIED -> "permission_denied";
      case NOT_FOUND -> "channel_not_found";
      case ALREADY_EXISTS -> "channel_exists";
      case CANCELLED -> "cancelled";
      case DEADLINE_EXCEEDED -> LastMileException.TIMEOUT;
      case UNAVAILABLE -> LastMileException.UNAVAILABLE;
      default -> "internal";
    };
  }
}
