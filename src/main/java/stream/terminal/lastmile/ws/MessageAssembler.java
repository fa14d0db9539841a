package stream.terminal.lastmile.ws;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;

/**
 * Joins a connection's data frames into messages, so that the size limit holds however a client fragments a
 * message: once a message passes the limit, nothing more of it is kept.
 */
final class MessageAssembler {
  /** What a frame completed. */
  enum Outcome {
    /** More frames of the message are to come (or the frame was a control frame). */
    INCOMPLETE,
    TEXT,
    BINARY,
    TOO_LARGE
  }

  private final int maxBytes;
  private Buffer partial;
  private boolean text;
  private Buffer complete;

  MessageAssembler(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  Outcome accept(WebSocketFrame frame) {
    if (frame.isContinuation()) {
      if (partial == null) {
        return Outcome.INCOMPLETE; // a continuation of a message already refused
      }
      partial.appendBuffer(frame.binaryData());
    } else if (frame.isText() || frame.isBinary()) {
      partial = frame.isFinal() ? frame.binaryData() : frame.binaryData().copy();
      text = frame.isText();
    } else {
      return Outcome.INCOMPLETE; // a close frame (pings and pongs are taken by ControlFrames)
    }
    if (partial.length() > maxBytes) {
      partial = null;
      return Outcome.TOO_LARGE;
    }
    if (!frame.isFinal()) {
      return Outcome.INCOMPLETE;
    }
    complete = partial;
    partial = null;
    return text ? Outcome.TEXT : Outcome.BINARY;
  }

  /** The message the last {@link Outcome#TEXT} or {@link Outcome#BINARY} completed. */
  Buffer message() {
    return complete;
  }
}
