package stream.terminal.lastmile.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

/**
 * One Server-Sent Events subscriber on a raw TCP socket: an HTTP/1.1 GET with {@code Accept: text/event-stream},
 * then the stream's events, undoing chunked coding when the server uses it. Each default event ({@code message})
 * is a delivery whose stamp is found by the same byte scan as a WebSocket frame's. The gateway starts a stream with
 * one {@code subscribed} event per channel, as a WebSocket subscriber gets its replies: the subscriber is ready once
 * they are all in; a raw server's stream (Nchan) is ready with its response head. Any other named event (a
 * {@code subscribed} that could not recover, {@code error}, {@code disconnect}) is a delivery without a stamp, which
 * the generator counts as an error. A refusal (any status but 200) fails the open with its status and body.
 */
final class SseConnection implements Subscriber, EventStreamReader.Listener, ChunkedReader.Listener {
  private final WsConnection.Sink sink;
  /** {@code subscribed} events still to come before the stream is ready. */
  private int subscribing;
  private final Promise<Void> ready = Promise.promise();
  private final EventStreamReader events = new EventStreamReader(this);
  private ResponseHead head = new ResponseHead();
  private ChunkedReader chunks;
  private NetSocket socket;
  private boolean closing;

  private SseConnection(int channels, WsConnection.Sink sink) {
    this.subscribing = channels;
    this.sink = sink;
  }

  /**
   * Opens a subscriber; the future completes once it is subscribed.
   *
   * @param channels how many {@code subscribed} events the stream starts with (0 for a raw server)
   */
  static Future<SseConnection> open(
      NetClient client, String host, int port, String path, int channels, WsConnection.Sink sink) {
    SseConnection connection = new SseConnection(channels, sink);
    return client
        .connect(port, host)
        .compose(socket -> connection.start(socket, host + ":" + port, path))
        .map(connection);
  }

  private Future<Void> start(NetSocket socket, String authority, String path) {
    this.socket = socket;
    socket.handler(this::received);
    SocketEnds.watch(socket, ready, "closed before the stream started", () -> true, () -> closing, sink);
    socket.write("GET " + path + " HTTP/1.1\r\nHost: " + authority + "\r\nAccept: text/event-stream\r\n"
        + "Cache-Control: no-cache\r\n\r\n");
    return ready.future();
  }

  @Override
  public Future<Void> close() {
    closing = true;
    return socket == null ? Future.succeededFuture() : socket.close();
  }

  private void received(Buffer piece) {
    try {
      if (head != null) {
        if (!head.feed(piece)) {
          return;
        }
        piece = started();
      }
      if (chunks != null) {
        chunks.feed(piece, 0, piece.length());
      } else {
        events.feed(piece);
      }
    } catch (RuntimeException e) {
      fail(e.getMessage());
    }
  }

  /** @return the body bytes that came with the head */
  private Buffer started() {
    ResponseHead complete = head;
    head = null;
    String type = complete.header("Content-Type");
    if (complete.status() != 200 || type == null || !type.startsWith("text/event-stream")) {
      // a refusal's JSON error body usually comes in the same piece as its head
      throw new IllegalStateException("stream refused: " + complete.statusLine() + " " + complete.body());
    }
    if (complete.chunked()) {
      chunks = new ChunkedReader(this);
    }
    if (subscribing == 0) {
      ready.tryComplete();
    }
    return complete.body();
  }

  @Override
  public void data(Buffer buf, int from, int to) {
    events.feed(buf, from, to);
  }

  @Override
  public void end() {
    fail("the server ended the stream");
  }

  @Override
  public void event(String type, Buffer buf, int from, int to) {
    if (type == null || type.equals("message")) {
      sink.frame(buf, from, to);
    } else if (subscribing > 0 && type.equals("subscribed")) {
      if (--subscribing == 0) {
        ready.tryComplete();
      }
    } else {
      sink.message(-1);
    }
  }

  private void fail(String why) {
    if (!ready.tryFail(why) && !closing) {
      sink.lost(why);
    }
    closing = true;
    socket.close();
  }
}
