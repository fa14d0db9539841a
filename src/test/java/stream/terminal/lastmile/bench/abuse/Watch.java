package stream.terminal.lastmile.bench.abuse;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import stream.terminal.lastmile.bench.WsConnection;

/**
 * What an attacker's WebSocket saw of the server: frames received, the disconnect notice if one came, and how
 * the connection ended ("server closed the WebSocket with 1009", "closed by the server" for a close without a
 * close frame, or the socket error).
 */
final class Watch implements WsConnection.Sink {
  private final Promise<String> ended = Promise.promise();
  private String notice;
  private long frames;

  @Override
  public void message(long stampMicros) {
    // frames are counted in frame()
  }

  @Override
  public void frame(Buffer buf, int from, int to) {
    frames++;
    if (notice == null && to - from < 512) {
      String text = buf.getString(from, to);
      int code = text.indexOf("\"code\":");
      if (text.startsWith("{\"type\":\"disconnect\"") && code > 0) {
        notice = text.substring(code + 7, Math.min(text.length(), code + 11));
      }
    }
  }

  @Override
  public void lost(String why) {
    ended.tryComplete(notice == null ? why : "notice " + notice + ", " + why);
  }

  /** Completes when the server ended the connection, with how. */
  Future<String> ended() {
    return ended.future();
  }

  boolean isEnded() {
    return ended.future().isComplete();
  }

  long frames() {
    return frames;
  }
}
