package stream.terminal.lastmile.hub;

import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Dialect;
import stream.terminal.lastmile.protocol.TextFrame;

/** A local receiver of channel messages; called on the event loop it subscribed from. */
public interface Subscriber {
  Dialect dialect();

  /** Whether it takes a message published in Protobuf form as its binary frame rather than as JSON text. */
  default boolean binary() {
    return false;
  }

  /**
   * Writes a message, given already encoded in the subscriber's dialect (bytes shared with other subscribers); returns false when it was not written
   * (closing, or dropped as slow).
   */
  boolean deliver(ChannelMessage message, TextFrame frame);
}
