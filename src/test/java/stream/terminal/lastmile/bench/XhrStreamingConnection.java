package stream.terminal.lastmile.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.List;

/**
 * One subscriber of the event-bus bridge over SockJS's xhr-streaming transport, what {@code sockjs-client} falls
 * back to when a server offers it no WebSocket, on raw TCP sockets: a {@code POST .../xhr_streaming} whose chunked
 * response carries SockJS frames, one a line (a prelude of {@code h}s, {@code o}, then {@code a[...]}); the
 * {@code register} frames and the readiness check ({@link BridgeConnection}) go in one {@code POST .../xhr_send} on
 * a second, short connection. The server ends a streaming response after a number of bytes and closes its
 * connection; the subscriber then asks for the next on a new one, as a browser does, and the session keeps what
 * came meanwhile.
 */
final class XhrStreamingConnection implements Subscriber, ChunkedReader.Listener, SockJsFrames.Listener {
  /** A SockJS line longer than this is a broken stream: fail instead of buffering. */
  private static final int MAX_LINE = FrameReader.MAX_FRAME;

  private final NetClient client;
  private final String host;
  private final int port;
  private final String session;
  private final List<String> channels;
  private final WsConnection.Sink sink;
  private final Promise<Void> ready = Promise.promise();
  private NetSocket socket;
  private ResponseHead head;
  private ChunkedReader chunks;
  private Buffer partial;
  private boolean closing;

  private XhrStreamingConnection(
      NetClient client, String host, int port, String session, List<String> channels, WsConnection.Sink sink) {
    this.client = client;
    this.host = host;
    this.port = port;
    this.session = session;
    this.channels = channels;
    this.sink = sink;
  }

  /**
   * Opens a subscriber; the future completes once its registrations are handled.
   *
   * @param session the SockJS session's base path, {@code /eventbus/<server>/<session>}
   */
  static Future<XhrStreamingConnection> open(
      NetClient client, String host, int port, String session, List<String> channels, WsConnection.Sink sink) {
    XhrStreamingConnection connection = new XhrStreamingConnection(client, host, port, session, channels, sink);
    return client.connect(port, host).compose(connection::start).map(connection);
  }

  private Future<Void> start(NetSocket socket) {
    attach(socket);
    return ready.future();
  }

  /** Reads a streaming response from {@code socket}; a socket that has been replaced is not this one's concern. */
  private void attach(NetSocket socket) {
    this.socket = socket;
    socket.handler(this::received);
    SocketEnds.watch(socket, ready, "closed before the session was ready", () -> socket == this.socket,
        () -> closing, sink);
    stream();
  }

  /** Asks for the next streaming response. */
  private void stream() {
    head = new ResponseHead();
    chunks = null;
    socket.write("POST " + session + "/xhr_streaming HTTP/1.1\r\nHost: " + host + ":" + port
        + "\r\nContent-Length: 0\r\n\r\n");
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
        ResponseHead complete = head;
        head = null;
        if (complete.status() != 200 || !complete.chunked()) {
          throw new IllegalStateException("xhr_streaming refused: " + complete.statusLine() + " " + complete.body());
        }
        chunks = new ChunkedReader(this);
        piece = complete.body();
      }
      chunks.feed(piece, 0, piece.length());
    } catch (RuntimeException e) {
      fail(e.getMessage());
    }
  }

  /** Body bytes: SockJS frames, each ended by a line feed. */
  @Override
  public void data(Buffer buf, int from, int to) {
    int pos = from;
    for (int i = from; i < to; i++) {
      if (buf.getByte(i) != '\n') {
        continue;
      }
      if (partial != null) {
        partial.appendBuffer(buf, pos, i - pos);
        Buffer line = partial;
        partial = null;
        SockJsFrames.read(line, 0, line.length(), this);
      } else {
        SockJsFrames.read(buf, pos, i, this);
      }
      pos = i + 1;
    }
    if (pos < to) {
      if (partial == null) {
        partial = Buffer.buffer(to - pos);
      }
      partial.appendBuffer(buf, pos, to - pos);
      if (partial.length() > MAX_LINE) {
        throw new IllegalStateException("SockJS frame longer than " + MAX_LINE + " bytes");
      }
    }
  }

  /**
   * The server ended this response (its byte bound) and closes its connection: the next response, on a new one,
   * carries on; the session kept what came meanwhile.
   */
  @Override
  public void end() {
    if (partial != null) {
      throw new IllegalStateException("streaming response ended inside a frame");
    }
    NetSocket done = socket;
    // the old socket is no longer this subscriber's: its close is expected, and nothing more is read from it
    socket = null;
    done.handler(null);
    done.close();
    client.connect(port, host).onComplete(ar -> {
      if (closing) {
        if (ar.succeeded()) {
          ar.result().close();
        }
      } else if (ar.succeeded()) {
        attach(ar.result());
      } else {
        sink.lost("next xhr_streaming: " + ar.cause().getMessage());
      }
    });
  }

  @Override
  public void open() {
    JsonArray messages = new JsonArray();
    BridgeConnection.registrations(channels).forEach(frame -> messages.add(frame.encode()));
    Buffer body = Buffer.buffer(messages.encode());
    client.connect(port, host).onComplete(ar -> {
      if (ar.failed()) {
        ready.tryFail("xhr_send: " + ar.cause().getMessage());
        return;
      }
      NetSocket send = ar.result();
      ResponseHead answer = new ResponseHead();
      send.handler(piece -> {
        if (answer.feed(piece)) {
          send.close();
          if (answer.status() != 204 && answer.status() != 200) {
            ready.tryFail("xhr_send refused: " + answer.statusLine() + " " + answer.body());
          }
        }
      });
      send.write("POST " + session + "/xhr_send HTTP/1.1\r\nHost: " + host + ":" + port
          + "\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: " + body.length()
          + "\r\nConnection: close\r\n\r\n");
      send.write(body);
    });
  }

  @Override
  public void bridgeFrame(Buffer buf, int from, int to, boolean escaped) {
    BridgeConnection.deliver(buf, from, to, escaped, ready, sink);
  }

  @Override
  public void close(String frame) {
    throw new IllegalStateException("SockJS session closed: " + frame);
  }

  private void fail(String why) {
    if (!ready.tryFail(why) && !closing) {
      sink.lost(why);
    }
    closing = true;
    if (socket != null) {
      socket.close();
    }
  }
}
