package stream.terminal.lastmile.core;

/** A refusal with a protocol error code: the one way a command fails on purpose. */
public class GatewayException extends RuntimeException {
  private final ErrorCode code;

  public GatewayException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /** Maps any failure to a protocol error; unexpected ones become {@code internal}. */
  public static GatewayException of(Throwable failure) {
    if (failure instanceof GatewayException e) {
      return e;
    }
    return new GatewayException(ErrorCode.INTERNAL, "internal error");
  }
}
