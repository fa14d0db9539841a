package stream.terminal.lastmile.core;

/** The stable error codes of the protocol (docs/protocol.md); clients switch on {@link #wire()}. */
public enum ErrorCode {
  BAD_REQUEST("bad_request", 400),
  UNKNOWN_OP("unknown_op", 400),
  TOO_LARGE("too_large", 413),
  RATE_LIMITED("rate_limited", 429),
  UNAUTHENTICATED("unauthenticated", 401),
  /** A credential was presented but is not valid: signature, algorithm, issuer, audience, not-before, replay. */
  INVALID_TOKEN("invalid_token", 401),
  /** A credential that was valid has expired: get a fresh one. */
  TOKEN_EXPIRED("token_expired", 401),
  /** A signed message whose signature, key or timestamp does not check out, or an unsigned one where required. */
  BAD_SIGNATURE("bad_signature", 400),
  PERMISSION_DENIED("permission_denied", 403),
  CHANNEL_NOT_FOUND("channel_not_found", 404),
  CHANNEL_EXISTS("channel_exists", 409),
  LIMIT_EXCEEDED("limit_exceeded", 429),
  INTERNAL("internal", 500),
  /**
   * Retryable: this node cannot serve the command now (a cluster member it needed left while the command ran).
   * A publish refused so may carry {@code "stored": "unknown"} (see {@link GatewayException#storedUnknown()}).
   */
  UNAVAILABLE("unavailable", 503),
  /** HTTP only: a request body that is not declared JSON. */
  UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415),
  /** A command that a later command of the same connection made moot (a subscribe undone by an unsubscribe). */
  CANCELLED("cancelled", 409),
  /** SSE only: a token refresh for a stream this node does not carry (gone, or on another node). */
  STREAM_NOT_FOUND("stream_not_found", 404),
  /** A Protobuf payload whose type is in none of the node's descriptor sets ({@code protobuf.descriptor_sets}). */
  UNKNOWN_TYPE("unknown_type", 400);

  private final String wire;
  private final int httpStatus;

  ErrorCode(String wire, int httpStatus) {
    this.wire = wire;
    this.httpStatus = httpStatus;
  }

  public String wire() {
    return wire;
  }

  /** The status the HTTP surfaces answer with for this error. */
  public int httpStatus() {
    return httpStatus;
  }
}
