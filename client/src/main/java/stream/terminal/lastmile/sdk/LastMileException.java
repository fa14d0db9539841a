package stream.terminal.lastmile.sdk;

/**
 * A refusal or failure, with the wire error code of docs/protocol.md section 3 ({@code bad_request},
 * {@code permission_denied}, ...) from the gRPC trailer {@code lastmile-error-code}, the HTTP error body or the
 * WebSocket error reply; or one of the client's own codes below when no answer came.
 */
public final class LastMileException extends RuntimeException {
  /** The node could not be reached, or the connection broke before an answer. */
  public static final String UNAVAILABLE = "unavailable";
  /** No answer within {@link ClientOptions#requestTimeoutMs()}. */
  public static final String TIMEOUT = "timeout";
  /** The client or stream was closed before the answer came. */
  public static final String CLOSED = "closed";

  private final String code;
  private final boolean storedUnknown;

  public LastMileException(String code, String message) {
    this(code, message, false);
  }

  /** @param storedUnknown the node said the publish may or may not have been stored ({@code "stored": "unknown"}) */
  public LastMileException(String code, String message, boolean storedUnknown) {
    super(message);
    this.code = code;
    this.storedUnknown = storedUnknown;
  }

  public LastMileException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.storedUnknown = false;
  }

  /** The error code to switch on; the message is for humans. */
  public String code() {
    return code;
  }

  /** True when the node said the publish may or may not have been stored: retry it with the same key. */
  public boolean storedUnknown() {
    return storedUnknown;
  }

  /**
   * True when the publish's outcome is not known to the client: {@code unavailable} (said by the node, or the
   * connection broke) or no answer in time. Sent again with the same idempotency key, it is stored once.
   */
  public boolean indeterminate() {
    return UNAVAILABLE.equals(code) || TIMEOUT.equals(code);
  }

  @Override
  public String toString() {
    return code + ": " + getMessage();
  }
}
