package stream.terminal.lastmile.grpc;

import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.grpc.v1.Error;

/**
 * The error catalog of docs/protocol.md as gRPC statuses. The status message is the error's message, and the
 * trailer {@value #ERROR_CODE} carries its wire code, so clients switch on the code rather than on the status,
 * which several codes share.
 */
public final class GrpcErrors {
  /** The trailer with the error's wire code ({@code bad_request}, {@code permission_denied}, ...). */
  public static final String ERROR_CODE = "lastmile-error-code";
  /** The trailer with the close code of a call the server ended as it ends a WebSocket (4000 shutdown, ...). */
  public static final String DISCONNECT = "lastmile-disconnect";
  /** The trailer {@code lastmile-stored: unknown} of a publish whose outcome is not known (retry with its key). */
  public static final String STORED = "lastmile-stored";

  private GrpcErrors() {}

  public static GrpcStatus status(ErrorCode code) {
    return switch (code) {
      case BAD_REQUEST, UNSUPPORTED_MEDIA_TYPE, BAD_SIGNATURE, UNKNOWN_TYPE -> GrpcStatus.INVALID_ARGUMENT;
      case UNKNOWN_OP -> GrpcStatus.UNIMPLEMENTED;
      case TOO_LARGE, RATE_LIMITED, LIMIT_EXCEEDED -> GrpcStatus.RESOURCE_EXHAUSTED;
      case UNAUTHENTICATED, INVALID_TOKEN, TOKEN_EXPIRED -> GrpcStatus.UNAUTHENTICATED;
      case PERMISSION_DENIED -> GrpcStatus.PERMISSION_DENIED;
      case CHANNEL_NOT_FOUND, STREAM_NOT_FOUND -> GrpcStatus.NOT_FOUND;
      case CHANNEL_EXISTS -> GrpcStatus.ALREADY_EXISTS;
      case CANCELLED -> GrpcStatus.CANCELLED;
      case INTERNAL -> GrpcStatus.INTERNAL;
      case UNAVAILABLE -> GrpcStatus.UNAVAILABLE;
      // a code added to the catalog later maps by its HTTP status until it is listed here
      default -> byHttpStatus(code.httpStatus());
    };
  }

  private static GrpcStatus byHttpStatus(int status) {
    return switch (status) {
      case 400, 415 -> GrpcStatus.INVALID_ARGUMENT;
      case 401 -> GrpcStatus.UNAUTHENTICATED;
      case 403 -> GrpcStatus.PERMISSION_DENIED;
      case 404 -> GrpcStatus.NOT_FOUND;
      case 409 -> GrpcStatus.ALREADY_EXISTS;
      case 413, 429 -> GrpcStatus.RESOURCE_EXHAUSTED;
      default -> GrpcStatus.INTERNAL;
    };
  }

  /** The code of a wire name, or {@code internal} for one this node does not know. */
  static ErrorCode code(String wire) {
    for (ErrorCode code : ErrorCode.values()) {
      if (code.wire().equals(wire)) {
        return code;
      }
    }
    return ErrorCode.INTERNAL;
  }

  /** A refusal inside a PublishStream's acknowledgement, where the stream goes on. */
  static Error error(GatewayException e) {
    return Error.newBuilder().setCode(e.code().wire()).setMessage(e.getMessage())
        .setStored(e.storedUnknown() ? "unknown" : "").build();
  }

  /** Ends the call with the error's status, message and code trailer. */
  static void end(GrpcServerResponse<?, ?> response, GatewayException e) {
    response.trailers().set(ERROR_CODE, e.code().wire());
    if (e.storedUnknown()) {
      response.trailers().set(STORED, "unknown");
    }
    response.status(status(e.code())).statusMessage(e.getMessage()).end();
  }

  /**
   * Ends a call the server closes as it would close a WebSocket: shutdown is UNAVAILABLE (retry elsewhere or
   * later), an expired identity UNAUTHENTICATED with {@code token_expired}, a slow consumer or a flood
   * RESOURCE_EXHAUSTED; the {@value #DISCONNECT} trailer has the close code of docs/protocol.md section 4.
   */
  static void end(GrpcServerResponse<?, ?> response, Disconnect reason) {
    GrpcStatus status = switch (reason) {
      case TOKEN_EXPIRED -> GrpcStatus.UNAUTHENTICATED;
      case SLOW_CONSUMER, FLOOD, MESSAGE_TOO_BIG -> GrpcStatus.RESOURCE_EXHAUSTED;
      case SHUTDOWN, IDLE_TIMEOUT -> GrpcStatus.UNAVAILABLE;
      case INVALID_UTF8 -> GrpcStatus.INVALID_ARGUMENT; // WebSocket and SockJS only: Protobuf strings are checked by gRPC
    };
    if (reason == Disconnect.TOKEN_EXPIRED) {
      response.trailers().set(ERROR_CODE, ErrorCode.TOKEN_EXPIRED.wire());
    }
    response.trailers().set(DISCONNECT, Short.toString(reason.code()));
    response.status(status).statusMessage(reason.reason()).end();
  }
}
