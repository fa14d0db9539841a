package stream.terminal.lastmile.session;

import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.protocol.TextFrame;

/**
 * What a {@link ClientSession} needs from the connection it runs on: writing frames, knowing when the
 * connection's outbound queue is full and when it has room again, and closing with a reason. Every method is
 * called on the connection's event loop. The session checks {@link #full()} before each write it may refuse, so
 * the writes themselves never check.
 */
public interface Transport {
  /** A command's reply. */
  void reply(TextFrame frame);

  /** An error reply, or a failure the session reports on its own. */
  void error(TextFrame frame);

  /** A message of a subscribed channel, live or replayed; {@code frame} is it in the session's dialect. */
  void message(ChannelMessage message, TextFrame frame);

  /** Whether the bytes waiting to be sent passed the connection's outbound bound. */
  boolean full();

  /** The action to run each time the waiting bytes fall back under the bound. */
  void onWritable(Runnable action);

  /** Writes the disconnect notice, then closes the connection as {@code reason} says. */
  void disconnect(Disconnect reason, TextFrame notice);

  /** Stops reading from the client (the node is stopping), or starts again. */
  void pauseReading(boolean paused);

  /** Who the client is, for logs. */
  String remote();
}
