package stream.terminal.lastmile.session;

import java.util.ArrayList;
import java.util.List;
import stream.terminal.lastmile.hub.Subscriber;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Dialect;
import stream.terminal.lastmile.core.PayloadFormat;
import stream.terminal.lastmile.protocol.TextFrame;

/**
 * One channel a connection subscribes to: the last offset it was given, and, while it catches up (its position
 * being read, its backlog replayed), the live messages that arrive meanwhile. The catch-up ends by writing those
 * after the replay, skipping what the replay already gave: no gap and no duplicate across the switch. It is what
 * the event loop's fan-out holds, so a delivery reaches it without a lookup in the connection's subscriptions.
 */
final class Subscription extends Subscriber {
  /** A live message kept while catching up, with its frame in the session's dialect. */
  record Held(ChannelMessage message, TextFrame frame) {}

  private final Subscriptions owner;
  private final long maxHeldBytes;
  private final PayloadFormat format;
  private boolean dropped;
  private List<Held> held = new ArrayList<>();
  private long heldBytes;
  private String epoch;
  private long lastOffset = -1;

  /**
   * @param maxHeldBytes the most live messages kept while catching up, counted in bytes of their frames
   * @param format how messages published in Protobuf form reach the client
   */
  Subscription(Subscriptions owner, long maxHeldBytes, PayloadFormat format) {
    this.owner = owner;
    this.maxHeldBytes = maxHeldBytes;
    this.format = format;
  }

  @Override
  public boolean binary() {
    return format == PayloadFormat.PROTOBUF;
  }

  @Override
  public Dialect dialect() {
    return owner.dialect();
  }

  @Override
  public boolean deliver(ChannelMessage message, TextFrame frame) {
    return !dropped && owner.deliver(this, message, frame);
  }

  /** Unsubscribed or closed: a delivery already under way for this loop's fan-out is ignored. */
  void drop() {
    dropped = true;
  }

  boolean catchingUp() {
    return held != null;
  }

  /** Keeps a live message while catching up; false when the bound is passed (the client is too slow). */
  boolean hold(ChannelMessage message, TextFrame frame) {
    held.add(new Held(message, frame));
    heldBytes += frame.length();
    return heldBytes <= maxHeldBytes;
  }

  /** Sets the position the client has reached (the subscribe reply's, or the resume point). */
  void position(String epoch, long lastOffset) {
    this.epoch = epoch;
    this.lastOffset = lastOffset;
  }

  /**
   * Whether a message is the next thing to give the client: later than what it has, in the same epoch (a new
   * epoch means the history was lost, and everything of it is new). Records it as given when it is.
   */
  boolean take(ChannelMessage message) {
    if (!message.epoch().equals(epoch)) {
      epoch = message.epoch();
    } else if (message.offset() <= lastOffset) {
      return false;
    }
    lastOffset = message.offset();
    return true;
  }

  long lastOffset() {
    return lastOffset;
  }

  /** Ends the catch-up: the held messages to write now, in order, without those the client already has. */
  List<Held> release() {
    List<Held> frames = new ArrayList<>(held.size());
    for (Held h : held) {
      if (take(h.message())) {
        frames.add(h);
      }
    }
    held = null;
    heldBytes = 0;
    return frames;
  }
}
