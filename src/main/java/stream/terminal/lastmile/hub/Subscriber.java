package stream.terminal.lastmile.hub;

import stream.terminal.lastmile.protocol.Dialect;

/** A local receiver of channel messages; called on the event loop it subscribed from. */
public interface Subscriber {
  Dialect dialect();

  /** Writes an encoded message frame; returns false when it was not written (closing, or dropped as slow). */
  boolean deliver(String frame);
}
