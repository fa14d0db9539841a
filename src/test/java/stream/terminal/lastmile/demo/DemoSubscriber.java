package stream.terminal.lastmile.demo;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/**
 * {@code DemoSubscriber CHANNEL [ws-url]} (default {@code ws://127.0.0.1:8080/}): subscribes to one channel and
 * prints the subscribe reply and every frame the gateway sends, one JSON object a line on stdout; progress goes to
 * stderr, so stdout can be piped to {@code jq}. When the connection ends it reconnects and resubscribes after a
 * backoff, unless the gateway's disconnect notice said not to. Ctrl-C stops it.
 */
public final class DemoSubscriber extends VerticleBase {
  private static final String DEFAULT_URL = "ws://127.0.0.1:8080/";
  private static final long FIRST_BACKOFF_MS = 1_000;
  private static final long MAX_BACKOFF_MS = 30_000;

  private final String channel;
  private final WebSocketConnectOptions target;
  private final CompletableFuture<String> gaveUp;
  private WebSocketClient client;
  private long backoffMs = FIRST_BACKOFF_MS;
  private long lastId;
  private boolean mayReconnect;
  private boolean stopping;

  private DemoSubscriber(String channel, WebSocketConnectOptions target, CompletableFuture<String> gaveUp) {
    this.channel = channel;
    this.target = target;
    this.gaveUp = gaveUp;
  }

  public static void main(String[] args) {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: DemoSubscriber CHANNEL [ws-url]   (default " + DEFAULT_URL + ")");
      System.exit(2);
    }
    WebSocketConnectOptions target =
        new WebSocketConnectOptions().setAbsoluteURI(args.length > 1 ? args[1] : DEFAULT_URL)
            // not a browser: no Origin header (Vert.x adds one by default), so allowed_origins does not apply
            .setAllowOriginHeader(false);
    Vertx vertx = Vertx.vertx();
    // on Ctrl-C (and on giving up) close the WebSocket properly rather than just vanishing
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
    CompletableFuture<String> gaveUp = new CompletableFuture<>();
    vertx.deployVerticle(new DemoSubscriber(args[0], target, gaveUp));
    // exit from this thread, not an event loop: the shutdown hook needs the event loops to close Vert.x
    System.err.println("demo-subscriber: " + gaveUp.join());
    System.exit(1);
  }

  @Override
  public Future<?> start() {
    client = vertx.createWebSocketClient();
    connect();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true; // the close that follows is not a reason to reconnect
    return client.close();
  }

  private void connect() {
    client
        .connect(target)
        .onSuccess(this::opened)
        .onFailure(e -> retry("cannot connect to " + target.getHost() + ":" + target.getPort() + ": " + e.getMessage(),
            this::connect));
  }

  private void opened(WebSocket ws) {
    System.err.println("demo-subscriber: connected to " + target.getHost() + ":" + target.getPort());
    mayReconnect = true;
    ws.textMessageHandler(text -> onFrame(ws, text));
    ws.exceptionHandler(e -> System.err.println("demo-subscriber: connection error: " + e));
    ws.closeHandler(v -> closed(ws));
    subscribe(ws);
  }

  private void subscribe(WebSocket ws) {
    ws.writeTextMessage(new JsonObject().put("op", "subscribe").put("channel", channel).put("id", ++lastId).encode());
  }

  private void onFrame(WebSocket ws, String text) {
    System.out.println(text);
    JsonObject frame = new JsonObject(text);
    String type = frame.getString("type");
    if ("disconnect".equals(type)) {
      mayReconnect = frame.getBoolean("reconnect", true);
    } else if ("reply".equals(type)) {
      JsonObject error = frame.getJsonObject("error");
      if (error == null) {
        backoffMs = FIRST_BACKOFF_MS; // subscribed: a later drop starts over at the shortest wait
      } else if ("channel_not_found".equals(error.getString("code"))) {
        // the publisher has not created it yet, or a restarted gateway has not seen it again: ask later
        retry("no channel " + channel + " yet", () -> {
          if (!ws.isClosed()) {
            subscribe(ws);
          }
        });
      } else {
        gaveUp.complete("subscribe refused: " + error.getString("message"));
      }
    }
  }

  private void closed(WebSocket ws) {
    if (stopping) {
      return;
    }
    String why = "connection closed (" + ws.closeStatusCode()
        + (ws.closeReason() == null ? "" : " " + ws.closeReason()) + ")";
    if (mayReconnect) {
      retry(why, this::connect);
    } else {
      gaveUp.complete(why + " and the gateway asked not to reconnect");
    }
  }

  /** Runs {@code action} after the current backoff, and doubles the backoff (up to its maximum) for next time. */
  private void retry(String why, Runnable action) {
    if (stopping) {
      return;
    }
    long delay = backoffMs;
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    System.err.println("demo-subscriber: " + why + "; retrying in " + delay + " ms");
    vertx.setTimer(delay, id -> action.run());
  }
}
