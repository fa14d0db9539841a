package stream.terminal.lastmile.bench.chaos;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A subscriber on one edge node over the native WebSocket protocol. Every message it is shown goes to
 * {@link Views}; when its connection ends (a disconnect notice, the node's death, a refused subscribe) it connects
 * again to the same node and resumes with {@code since} its last (epoch, offset), as docs/protocol.md tells
 * clients to. All of it runs on the harness's Vert.x event loop.
 */
final class Subscriber {
  private static final long RECONNECT_MS = 300;

  private final Vertx vertx;
  private final WebSocketClient client;
  private final int port;
  private final String channel;
  private final Views views;
  private final AtomicInteger reconnects = new AtomicInteger();
  private final AtomicInteger messages = new AtomicInteger();
  /** Why the last connection ended (a close code, a refused subscribe, a failed connect), for the run's notes. */
  private volatile String lastEnd = "";
  private String refusal;
  /** The last subscribe's result, with the time it came (to read beside the nodes' logs), for the run's notes. */
  private volatile JsonObject lastReply;
  private volatile boolean running = true;
  private volatile WebSocket socket;
  private volatile String epoch;
  private volatile long offset;

  Subscriber(Vertx vertx, int port, String channel, Views views) {
    this.vertx = vertx;
    this.client = vertx.createWebSocketClient();
    this.port = port;
    this.channel = channel;
    this.views = views;
  }

  void start() {
    vertx.runOnContext(v -> connect());
  }

  /** Whether the last message shown is at or past {@code last} of {@code epoch}. */
  boolean reached(String epoch, long last) {
    return epoch != null && epoch.equals(this.epoch) && offset >= last;
  }

  /** Messages shown, connections lost, why the last one ended before {@link #stop()}, the last subscribe's result. */
  String summary() {
    return messages.get() + " messages, " + reconnects.get() + " reconnects"
        + (lastEnd.isEmpty() ? "" : " (last end: " + lastEnd + ")") + ", last subscribed " + lastReply;
  }

  void stop() {
    running = false;
    // the close that follows is ours: keep why the previous connection ended
    WebSocket ws = socket;
    if (ws != null) {
      ws.close();
    }
    client.close();
  }

  private void connect() {
    if (!running) {
      return;
    }
    client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/")
            .setAllowOriginHeader(false))
        .onSuccess(this::subscribe)
        .onFailure(e -> {
          lastEnd = "connect: " + e.getMessage();
          again();
        });
  }

  private void subscribe(WebSocket ws) {
    socket = ws;
    ws.textMessageHandler(this::frame);
    ws.exceptionHandler(e -> refusal = "exception: " + e);
    ws.closeHandler(v -> {
      if (!running) {
        return;
      }
      lastEnd = refusal != null ? refusal : "close " + ws.closeStatusCode() + " " + ws.closeReason();
      refusal = null;
      again();
    });
    JsonObject subscribe = new JsonObject().put("op", "subscribe").put("channel", channel).put("id", 1);
    if (epoch != null) {
      subscribe.put("since", new JsonObject().put("epoch", epoch).put("offset", offset));
    }
    ws.writeTextMessage(subscribe.encode());
  }

  private void frame(String text) {
    try {
      handle(new JsonObject(text));
    } catch (RuntimeException e) {
      refusal = "unreadable frame " + text + ": " + e;
      socket.close();
    }
  }

  private void handle(JsonObject frame) {
    if ("message".equals(frame.getString("type"))) {
      messages.incrementAndGet();
      epoch = frame.getString("epoch");
      offset = frame.getLong("offset");
      JsonObject data = frame.getJsonObject("data");
      views.shown(epoch, offset, data.getString("pub") + "-" + data.getLong("seq"));
    } else if ("reply".equals(frame.getString("type")) && frame.containsKey("result")) {
      lastReply = frame.getJsonObject("result").copy().put("at", java.time.LocalTime.now().toString());
    } else if ("reply".equals(frame.getString("type")) && frame.containsKey("error")) {
      refusal = "refused: " + frame.getJsonObject("error").encode();
      socket.close(); // a refused subscribe (the node cannot serve now): try again
    }
  }

  private void again() {
    if (running) {
      reconnects.incrementAndGet();
      vertx.setTimer(RECONNECT_MS, t -> connect());
    }
  }
}
