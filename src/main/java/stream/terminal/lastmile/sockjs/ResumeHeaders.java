package stream.terminal.lastmile.sockjs;

import io.vertx.core.json.JsonObject;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.Position;

/**
 * The resume point a {@code register} may carry in its headers: {@code epoch} and {@code offset} (what the last
 * {@code rec} of the channel carried), or both in one {@code since: "<epoch>:<offset>"}. No resume point is a
 * live-only registration.
 */
final class ResumeHeaders {
  private ResumeHeaders() {}

  /** @throws GatewayException {@code bad_request} for a resume point that is half there or malformed */
  static Position since(Object headers) {
    if (headers == null) {
      return null;
    }
    if (!(headers instanceof JsonObject h)) {
      throw bad("headers must be an object");
    }
    Object since = h.getValue("since");
    Object epoch = h.getValue("epoch");
    Object offset = h.getValue("offset");
    if (since != null) {
      if (epoch != null || offset != null) {
        throw bad("give since, or epoch and offset, not both");
      }
      String text = String.valueOf(since);
      int colon = text.lastIndexOf(':');
      if (!(since instanceof String) || colon < 0) {
        throw bad("since must be \"<epoch>:<offset>\"");
      }
      return position(text.substring(0, colon), text.substring(colon + 1));
    }
    if (epoch == null && offset == null) {
      return null;
    }
    if (!(epoch instanceof String e) || offset == null) {
      throw bad("a resume needs both epoch (a string) and offset");
    }
    return position(e, String.valueOf(offset));
  }

  private static Position position(String epoch, String offset) {
    if (epoch.isEmpty()) {
      throw bad("epoch must not be empty");
    }
    try {
      long value = Long.parseLong(offset);
      if (value < 0) {
        throw bad("offset must not be negative");
      }
      return new Position(epoch, value);
    } catch (NumberFormatException e) {
      throw bad("offset must be a whole number, got " + offset);
    }
  }

  private static GatewayException bad(String message) {
    return new GatewayException(ErrorCode.BAD_REQUEST, "register headers: " + message);
  }
}
