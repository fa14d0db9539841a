package stream.terminal.lastmile.sockjs;

import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.protocol.TextFrame;
import stream.terminal.lastmile.session.ClientSession;
import stream.terminal.lastmile.session.Transport;

/**
 * One SockJS session: the transport of its {@link ClientSession}, whichever SockJS transport (websocket,
 * xhr-streaming, xhr-polling, eventsource) carries it at the moment. SockJS queues writes without bound
 * (over a WebSocket it writes straight through, whatever the socket's queue holds), so this counts the bytes
 * written and not yet handed to the network itself: the outbound bound of every other transport.
 */
final class SockJSConnection implements Transport {
  private final SockJSSocket socket;
  private final long bound;
  private ClientSession session;
  private long pendingBytes;
  /** When the pending bytes passed the bound, or -1 while they are under it. */
  private long unwritableSinceMs = -1;
  private Runnable onWritable = () -> {};
  /** Registers waiting on the channel registry: at most max_subscriptions at once, as for every transport. */
  int lookups;

  SockJSConnection(SockJSSocket socket, long bound) {
    this.socket = socket;
    this.bound = bound;
  }

  void session(ClientSession session) {
    this.session = session;
  }

  ClientSession session() {
    return session;
  }

  /** Writes one bridge frame, counted until SockJS has handed it to the network (or failed to). */
  void write(String frame) {
    long length = frame.length();
    pendingBytes += length;
    if (pendingBytes > bound && unwritableSinceMs < 0) {
      unwritableSinceMs = System.currentTimeMillis();
    }
    socket.write(frame).onComplete(ar -> {
      pendingBytes -= length;
      if (pendingBytes <= bound && unwritableSinceMs >= 0) {
        unwritableSinceMs = -1;
        onWritable.run();
      }
    });
  }

  /** How long the pending bytes have stayed past the bound (0 when under it). */
  long unwritableMs(long nowMs) {
    return unwritableSinceMs < 0 ? 0 : nowMs - unwritableSinceMs;
  }

  @Override
  public void reply(TextFrame frame) {
    // the bridge dialect has no replies: registers are answered by their messages, or by an err frame
  }

  @Override
  public void error(TextFrame frame) {
    // refusals are written as bridge err frames by the hook, which knows their address
  }

  @Override
  public void message(ChannelMessage message, TextFrame frame) {
    write(BridgeFrames.rec(message));
  }

  @Override
  public boolean full() {
    return pendingBytes > bound;
  }

  @Override
  public void onWritable(Runnable action) {
    this.onWritable = action;
  }

  /** SockJS's close frame carries the code and reason: {@code c[4001,"slow consumer: ..."]}. */
  @Override
  public void disconnect(Disconnect reason, TextFrame notice) {
    socket.close(reason.code(), reason.reason());
  }

  @Override
  public void pauseReading(boolean paused) {
    if (paused) {
      socket.pause();
    } else {
      socket.resume();
    }
  }

  @Override
  public String remote() {
    return String.valueOf(socket.remoteAddress());
  }
}
