package stream.terminal.lastmile.core;

/** A frame that could not be turned into a command; carries the request id when the frame had a readable one. */
public final class BadFrameException extends GatewayException {
  private final String idJson;

  public BadFrameException(ErrorCode code, String message, String idJson) {
    super(code, message);
    this.idJson = idJson;
  }

  /** The request id as JSON text, or null. */
  public String idJson() {
    return idJson;
  }
}
