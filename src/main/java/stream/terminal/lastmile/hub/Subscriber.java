package stream.terminal.lastmile.hub;

import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Dialect;
import stream.terminal.lastmile.protocol.TextFrame;

/**
 * A local receiver of channel messages; called on the event loop it subscribed from. A class rather than an
 * interface so that it can carry its place in its channel's {@link SubscriberArray}: removal then needs no lookup
 * and no index structure beside the array.
 */
public abstract class Subscriber {
  /** Its index in the one {@link SubscriberArray} that holds it, or -1; touched only by that array. */
  int slot = -1;

  public abstract Dialect dialect();

  /** Whether it takes a message published in Protobuf form as its binary frame rather than as JSON text. */
  public boolean binary() {
    return false;
  }

  /**
   * Writes a message, given already encoded in the subscriber's dialect (bytes shared with other subscribers);
   * returns false when it was not written (closing, or dropped as slow).
   */
  public abstract boolean deliver(ChannelMessage message, TextFrame frame);
}
