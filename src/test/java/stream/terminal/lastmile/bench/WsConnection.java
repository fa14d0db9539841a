package stream.terminal.lastmile.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One subscriber: a WebSocket client written on a raw TCP socket, so that reading a message costs a frame header
 * and a byte scan for its stamp, nothing more. After the handshake it sends its {@code subscribe} commands (the
 * gateway's native protocol) and is ready once each has a reply; in raw mode (Nchan, the floor server) the URL
 * subscribes and it is ready after the handshake.
 */
public final class WsConnection implements Subscriber, FrameReader.Listener {
  /** What a connection reports to its owner; all calls come on the connection's event loop. */
  public interface Sink {
    void message(long stampMicros);

    /** A whole data frame after the subscribe replies, {@code buf[from, to)}; by default its stamp only. */
    default void frame(Buffer buf, int from, int to) {
      message(Payload.stamp(buf, from, to));
    }

    /** The connection failed or was closed by the server after it was ready. */
    void lost(String why);
  }

  private static final byte[] HEADER_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final Sink sink;
  private final List<String> commands;
  private final Promise<Void> ready = Promise.promise();
  private final FrameReader frames = new FrameReader(this);
  private NetSocket socket;
  private Buffer handshake = Buffer.buffer();
  private int replies;
  private boolean closing;

  private WsConnection(Sink sink, List<String> commands) {
    this.sink = sink;
    this.commands = commands;
  }

  /**
   * Opens a subscriber; the future completes once it is subscribed.
   *
   * @param commands native-protocol commands to send after the handshake, each answered by one reply
   */
  public static Future<WsConnection> open(
      NetClient client, String host, int port, String path, List<String> commands, Sink sink) {
    WsConnection connection = new WsConnection(sink, commands);
    return client
        .connect(port, host)
        .compose(socket -> connection.start(socket, host + ":" + port, path))
        .map(connection);
  }

  private Future<Void> start(NetSocket socket, String authority, String path) {
    this.socket = socket;
    socket.handler(this::received);
    SocketEnds.watch(socket, ready, "closed during the handshake", () -> true, () -> closing, sink);
    // the key is not random: nothing here relies on Sec-WebSocket-Accept, and the server only checks the form
    socket.write("GET " + path + " HTTP/1.1\r\nHost: " + authority + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    return ready.future();
  }

  /** The TCP socket, for clients that write their own frames (the abuse harness). */
  public NetSocket socket() {
    return socket;
  }

  @Override
  public Future<Void> close() {
    closing = true;
    return socket == null ? Future.succeededFuture() : socket.close();
  }

  private void received(Buffer chunk) {
    try {
      if (handshake != null) {
        chunk = afterHandshake(chunk);
        if (chunk == null) {
          return;
        }
      }
      frames.feed(chunk);
    } catch (RuntimeException e) {
      fail(e.getMessage());
    }
  }

  /** @return the bytes after the handshake response, or null while it is incomplete */
  private Buffer afterHandshake(Buffer chunk) {
    handshake.appendBuffer(chunk);
    int end = indexOf(handshake, HEADER_END);
    if (end < 0) {
      if (handshake.length() > 16384) {
        throw new IllegalStateException("no end to the handshake response");
      }
      return null;
    }
    String status = handshake.getString(0, Math.max(0, indexOf(handshake, "\r\n".getBytes(StandardCharsets.US_ASCII))));
    if (!status.startsWith("HTTP/1.1 101")) {
      throw new IllegalStateException("handshake refused: " + status);
    }
    Buffer rest = handshake.getBuffer(end + HEADER_END.length, handshake.length());
    handshake = null;
    if (commands.isEmpty()) {
      ready.tryComplete();
    } else {
      commands.forEach(command -> socket.write(masked(1, Buffer.buffer(command))));
    }
    return rest;
  }

  @Override
  public void data(Buffer buf, int from, int to, boolean fin) {
    if (replies < commands.size()) {
      // before every subscribe is answered only replies arrive: publishing starts once all subscribers are ready
      String reply = buf.getString(from, to);
      if (reply.contains("\"error\"")) {
        throw new IllegalStateException("subscribe refused: " + reply);
      }
      if (++replies == commands.size()) {
        ready.tryComplete();
      }
      return;
    }
    if (fin) {
      sink.frame(buf, from, to);
    }
  }

  @Override
  public void ping(Buffer payload) {
    socket.write(masked(10, payload));
  }

  @Override
  public void close(int code) {
    fail("server closed the WebSocket with " + code);
  }

  private void fail(String why) {
    if (!ready.tryFail(why) && !closing) {
      sink.lost(why);
    }
    closing = true;
    socket.close();
  }

  /** A client frame: RFC 6455 requires clients to mask. */
  public static Buffer masked(int opcode, Buffer payload) {
    return masked(0x80 | opcode, true, payload);
  }

  /**
   * A masked client frame with any first byte (FIN, RSV bits, opcode): {@code fin} false clears FIN, for
   * fragments; a fuzzer also sets reserved bits and opcodes here.
   */
  public static Buffer masked(int firstByte, boolean fin, Buffer payload) {
    int length = payload.length();
    Buffer frame = Buffer.buffer(length + 14).appendByte((byte) (fin ? firstByte | 0x80 : firstByte & 0x7f));
    if (length < 126) {
      frame.appendByte((byte) (0x80 | length));
    } else if (length < 65536) {
      frame.appendByte((byte) (0x80 | 126)).appendUnsignedShort(length);
    } else {
      frame.appendByte((byte) (0x80 | 127)).appendLong(length);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.appendBytes(mask);
    for (int i = 0; i < length; i++) {
      frame.appendByte((byte) (payload.getByte(i) ^ mask[i & 3]));
    }
    return frame;
  }

  private static int indexOf(Buffer buf, byte[] needle) {
    outer:
    for (int i = 0; i <= buf.length() - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (buf.getByte(i + j) != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
