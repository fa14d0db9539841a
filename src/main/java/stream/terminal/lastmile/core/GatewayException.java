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
   * A publish whose outcome is not known (the cluster member storing it left): it may or may not have been
   * stored. Retryable, at the risk of storing it twice.
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
