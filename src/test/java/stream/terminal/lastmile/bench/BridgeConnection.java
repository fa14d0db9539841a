package stream.terminal.lastmile.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import java.util.ArrayList;
import java.util.List;

/**
 * One subscriber of the Vert.x event-bus bridge, over a WebSocket on a raw TCP socket ({@link WsConnection}):
 * either SockJS's websocket transport ({@code /eventbus/<server>/<session>/websocket}, frames in SockJS framing,
 * what a browser's {@code sockjs-client} uses) or the bridge's raw endpoint ({@code /eventbus/websocket}, one bridge
 * frame per WebSocket frame). It {@code register}s on each channel's address; each {@code rec} frame is a delivery,
 * stamped by a byte scan of its body. The bridge does not answer a {@code register}, so a {@code send}, which an edge
 * always refuses with an {@code err} frame, follows them: the socket's frames are handled in order, and the
 * subscriber is ready when that refusal comes back. Any later {@code err} is counted as an error.
 */
final class BridgeConnection implements Subscriber, WsConnection.Sink, SockJsFrames.Listener {
  private final boolean sockJs;
  private final List<String> channels;
  private final WsConnection.Sink sink;
  private final Promise<Void> ready = Promise.promise();
  private WsConnection ws;
  private boolean openSeen;
  private boolean registered;

  private BridgeConnection(boolean sockJs, List<String> channels, WsConnection.Sink sink) {
    this.sockJs = sockJs;
    this.channels = channels;
    this.sink = sink;
  }

  /**
   * Opens a subscriber; the future completes once its registrations are handled.
   *
   * @param sockJs true: {@code path} is a SockJS websocket transport URL; false: the raw bridge endpoint
   */
  static Future<BridgeConnection> open(
      NetClient client, String host, int port, String path, boolean sockJs, List<String> channels,
      WsConnection.Sink sink) {
    BridgeConnection connection = new BridgeConnection(sockJs, channels, sink);
    return WsConnection.open(client, host, port, path, List.of(), connection)
        .compose(connection::started)
        .map(connection);
  }

  private Future<Void> started(WsConnection ws) {
    this.ws = ws;
    // SockJS opens its session with an "o" frame, which may have come with the handshake response
    if (!sockJs || openSeen) {
      register();
    }
    return ready.future();
  }

  /** Says goodbye with a WebSocket close frame first: the bridge logs a socket that vanishes without one. */
  @Override
  public Future<Void> close() {
    if (ws == null) {
      return Future.succeededFuture();
    }
    ws.socket().write(WsConnection.masked(8, Buffer.buffer().appendUnsignedShort(1000)));
    return ws.close();
  }

  private void register() {
    if (registered) {
      return;
    }
    registered = true;
    registrations(channels).forEach(this::send);
  }

  private void send(JsonObject frame) {
    String text = sockJs ? new JsonArray().add(frame.encode()).encode() : frame.encode();
    ws.socket().write(WsConnection.masked(1, Buffer.buffer(text)));
  }

  @Override
  public void frame(Buffer buf, int from, int to) {
    if (sockJs) {
      SockJsFrames.read(buf, from, to, this);
    } else {
      bridgeFrame(buf, from, to, false);
    }
  }

  @Override
  public void open() {
    openSeen = true;
    if (ws != null) {
      register();
    }
  }

  @Override
  public void bridgeFrame(Buffer buf, int from, int to, boolean escaped) {
    deliver(buf, from, to, escaped, ready, sink);
  }

  /**
   * A bridge frame from the server: a stamped {@code rec} is a delivery; the first {@code err} is the answer to
   * the readiness check; anything else (a later {@code err}, a {@code rec} without a stamp) counts as an error.
   */
  static void deliver(Buffer buf, int from, int to, boolean escaped, Promise<Void> ready, WsConnection.Sink sink) {
    long stamp = SockJsFrames.stamp(buf, from, to, escaped);
    if (stamp >= 0) {
      sink.message(stamp);
    } else if (!(SockJsFrames.isError(buf, from, to, escaped) && ready.tryComplete())) {
      sink.message(-1);
    }
  }

  /** The frames a subscriber sends after SockJS's {@code o}: a register per channel, then the readiness check. */
  static List<JsonObject> registrations(List<String> channels) {
    List<JsonObject> frames = new ArrayList<>();
    channels.forEach(c -> frames.add(new JsonObject().put("type", "register").put("address", c)));
    frames.add(new JsonObject().put("type", "send").put("address", channels.get(0)).put("body", "readiness check"));
    return frames;
  }

  @Override
  public void close(String frame) {
    throw new IllegalStateException("SockJS session closed: " + frame);
  }

  @Override
  public void message(long stampMicros) {
    sink.message(stampMicros);
  }

  @Override
  public void lost(String why) {
    if (!ready.tryFail(why)) {
      sink.lost(why);
    }
  }
}
