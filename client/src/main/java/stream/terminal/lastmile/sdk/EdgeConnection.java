package stream.terminal.lastmile.sdk;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client's one WebSocket connection to an edge listener (native protocol, docs/protocol.md section 2): signs on
 * with {@code auth} when a credential is set, subscribes every {@link Subscription} with its {@code since}, and
 * reconnects after a close with a jittered backoff unless the close code forbids it (section 4). Lives on the
 * client's context.
 */
final class EdgeConnection {
  /** Replies and history pages can be large; the node bounds them by its own write_queue_bytes. */
  private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
  /** A subscribe refused with rate_limited is sent again after this delay, on the same connection. */
  private static final long RATE_LIMITED_RETRY_MS = 1000;

  private final Vertx vertx;
  private final Context context;
  private final ClientOptions options;
  private final WebSocketClient client;
  private final Backoff backoff;
  private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
  private final Map<Long, Handler<JsonObject>> replies = new HashMap<>();
  private WebSocket socket;
  private boolean connecting;
  private boolean closed;
  private int attempt;
  private long nextId;
  private long reconnectTimer = -1;
  /** The disconnect notice that came before the close, if any: its reconnect flag wins. */
  private JsonObject notice;

  EdgeConnection(Vertx vertx, Context context, ClientOptions options) {
    this.vertx = vertx;
    this.context = context;
    this.options = options;
    boolean tls = "wss".equals(options.edgeUrl().getScheme());
    WebSocketClientOptions ws = new WebSocketClientOptions().setSsl(tls)
        .setMaxMessageSize(MAX_MESSAGE_BYTES).setMaxFrameSize(MAX_MESSAGE_BYTES);
    if (tls && options.trustOptions() != null) {
      ws.setTrustOptions(options.trustOptions());
    }
    this.client = vertx.createWebSocketClient(ws);
    this.backoff = new Backoff(options.reconnectInitialMs(), options.reconnectMaxMs());
  }

  /** Adds a subscription; on the context. */
  void add(Subscription subscription) {
    if (closed) {
      subscription.end(new LastMileException(LastMileException.CLOSED, "the client is closed"));
      return;
    }
    Subscription previous = subscriptions.put(subscription.channel(), subscription);
    if (previous != null) {
      previous.end(new LastMileException(LastMileException.CLOSED, "replaced by a new subscription"));
    }
    if (socket != null && !connecting) {
      subscribe(subscription);
    } else if (!connecting && reconnectTimer < 0) {
      connect();
    }
  }

  Future<Void> unsubscribe(Subscription subscription) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      if (subscriptions.get(subscription.channel()) != subscription) {
        done.complete();
        return;
      }
      subscriptions.remove(subscription.channel());
      subscription.suspend();
      if (socket == null || connecting) {
        done.complete();
        return;
      }
      send(new JsonObject().put("op", "unsubscribe").put("channel", subscription.channel()), reply -> done.complete());
    });
    return done.future();
  }

  private void connect() {
    connecting = true;
    notice = null;
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setAbsoluteURI(options.edgeUrl().toString());
    client.connect(connect).onComplete(result -> {
      if (closed) {
        if (result.succeeded()) {
          result.result().close();
        }
        return;
      }
      if (result.failed()) {
        connecting = false;
        report(new LastMileException(LastMileException.UNAVAILABLE, "cannot connect to " + options.edgeUrl() + ": "
            + result.cause().getMessage(), result.cause()));
        scheduleReconnect();
        return;
      }
      opened(result.result());
    });
  }

  private void opened(WebSocket ws) {
    socket = ws;
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> {}); // binary frames are the Protobuf form, which this client does not ask for
    ws.exceptionHandler(e -> {}); // the close handler follows and decides
    ws.closeHandler(v -> onClose(ws));
    String credential;
    try {
      credential = Credentials.next(options);
    } catch (LastMileException e) {
      report(e);
      giveUp(e);
      return;
    }
    if (credential == null) {
      ready();
      return;
    }
    send(new JsonObject().put("op", "auth").put("token", credential), reply -> {
      JsonObject error = reply.getJsonObject("error");
      if (error == null) {
        ready();
      } else {
        // a refused sign-on: try again after the backoff, with a new credential from the supplier
        report(error(error));
        ws.close();
      }
    });
  }

  private void ready() {
    connecting = false;
    attempt = 0;
    for (Subscription subscription : new ArrayList<>(subscriptions.values())) {
      subscribe(subscription);
    }
  }

  private void subscribe(Subscription subscription) {
    JsonObject command = new JsonObject().put("op", "subscribe").put("channel", subscription.channel());
    JsonObject since = subscription.since();
    if (since != null) {
      command.put("since", since);
    }
    WebSocket ws = socket;
    send(command, reply -> {
      if (subscriptions.get(subscription.channel()) != subscription || socket != ws) {
        return; // unsubscribed or replaced meanwhile, or a reply of a connection that has ended
      }
      JsonObject error = reply.getJsonObject("error");
      if (error == null) {
        subscription.onReply(reply.getJsonObject("result", new JsonObject()));
      } else if ("rate_limited".equals(error.getString("code"))) {
        vertx.setTimer(RATE_LIMITED_RETRY_MS, t -> {
          if (socket == ws && subscriptions.get(subscription.channel()) == subscription) {
            subscribe(subscription);
          }
        });
      } else if (!"cancelled".equals(error.getString("code"))) {
        subscription.listener().onError(error(error));
      }
    });
  }

  private void send(JsonObject command, Handler<JsonObject> onReply) {
    long id = ++nextId;
    replies.put(id, onReply);
    socket.writeTextMessage(command.put("id", id).encode());
  }

  private void onText(String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      return; // not a frame of the native protocol: nothing to act on
    }
    switch (String.valueOf(frame.getValue("type"))) {
      case "message" -> {
        Subscription subscription = subscriptions.get(frame.getString("channel"));
        if (subscription != null) {
          subscription.onMessage(frame, text);
        }
      }
      case "reply" -> {
        Object id = frame.getValue("id");
        Handler<JsonObject> handler = id instanceof Number n ? replies.remove(n.longValue()) : null;
        if (handler != null) {
          handler.handle(frame);
        }
      }
      case "disconnect" -> notice = frame;
      default -> { }
    }
  }

  private void onClose(WebSocket ws) {
    if (socket != ws) {
      return;
    }
    socket = null;
    connecting = false;
    replies.clear();
    subscriptions.values().forEach(Subscription::suspend);
    int code = ws.closeStatusCode() == null ? 1006 : ws.closeStatusCode();
    String reason = notice != null ? notice.getString("reason", "") : String.valueOf(ws.closeReason());
    boolean reconnect = !closed && mayReconnect(code);
    for (Subscription subscription : new ArrayList<>(subscriptions.values())) {
      subscription.listener().onDisconnect(code, reason, reconnect);
    }
    if (closed) {
      return;
    }
    if (reconnect) {
      scheduleReconnect();
    } else {
      giveUp(new LastMileException("disconnected", "the node closed the connection with " + code + " " + reason
          + ", which forbids a reconnect"));
    }
  }

  /** docs/protocol.md section 4: a notice's reconnect flag, else 1009 and 4500-4999 forbid it. */
  private boolean mayReconnect(int code) {
    if (notice != null && notice.containsKey("reconnect")) {
      return Boolean.TRUE.equals(notice.getBoolean("reconnect"));
    }
    return code != 1009 && (code < 4500 || code > 4999);
  }

  private void scheduleReconnect() {
    if (closed || subscriptions.isEmpty()) {
      return;
    }
    long delay = backoff.delayMs(++attempt);
    int n = attempt;
    subscriptions.values().forEach(s -> s.listener().onReconnect(n, delay));
    reconnectTimer = vertx.setTimer(delay, t -> {
      reconnectTimer = -1;
      if (!closed && socket == null && !subscriptions.isEmpty()) {
        connect();
      }
    });
  }

  private void report(LastMileException error) {
    for (Subscription subscription : new ArrayList<>(subscriptions.values())) {
      subscription.listener().onError(error);
    }
  }

  private void giveUp(LastMileException failure) {
    for (Subscription subscription : new ArrayList<>(subscriptions.values())) {
      subscription.end(failure);
    }
    subscriptions.clear();
    if (socket != null) {
      socket.close();
    }
  }

  private static LastMileException error(JsonObject error) {
    return new LastMileException(error.getString("code", "internal"), error.getString("message", ""));
  }

  /** Closes the connection for good; every subscription ends. */
  Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      closed = true;
      if (reconnectTimer >= 0) {
        vertx.cancelTimer(reconnectTimer);
      }
      LastMileException failure = new LastMileException(LastMileException.CLOSED, "the client is closed");
      subscriptions.values().forEach(s -> s.end(failure));
      subscriptions.clear();
      WebSocket ws = socket;
      socket = null;
      (ws == null ? Future.<Void>succeededFuture() : ws.close())
          .eventually(() -> client.close()).onComplete(r -> done.complete());
    });
    return done.future();
  }
}
