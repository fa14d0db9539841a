package stream.terminal.lastmile.core;

/** A refusal with a protocol error code: the one way a command fails on purpose. */
public class GatewayException extends RuntimeException {
  private final ErrorCode code;
  private final boolean storedUnknown;

  public GatewayException(ErrorCode code, String message) {
    this(code, message, false);
  }

  private GatewayException(ErrorCode code, String message, boolean storedUnknown) {
    super(message, null, false, false);
    this.code = code;
    this.storedUnknown = storedUnknown;
  }

  /**
   * A publish whose outcome is not known (a member was lost during the store, or the store timed out): it may or
   * may not have been stored. Retryable; a publisher that retries with the same idempotency key stores it once.
   */
  public static GatewayException outcomeUnknown(String message) {
    return new GatewayException(ErrorCode.UNAVAILABLE, message, true);
  }

  public ErrorCode code() {
    return code;
  }

  /** True when the command may have taken effect: the reply says {@code "stored": "unknown"}. */
  public boolean storedUnknown() {
    return storedUnknown;
  }

  /** Maps any failure to a protocol error; unexpected ones become {@code internal}. */
  public static GatewayException of(Throwable failure) {
    if (failure instanceof GatewayException e) {
      return e;
    }
    return new GatewayException(ErrorCode.INTERNAL, "internal error");
  }
}
