package stream.terminal.lastmile.bench.grpc;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

/** The native protocol's {@code publish} command on one WebSocket to the ingest listener, replies matched by id. */
final class WebSocketPublishes implements Publishes {
  private final WebSocketClient client;
  private final int port;
  private final String channel;
  private final Payloads payloads;
  private final Promise<Void>[] replies;
  private WebSocket socket;

  @SuppressWarnings("unchecked")
  WebSocketPublishes(Vertx vertx, int port, String channel, Payloads payloads) {
    this.client = vertx.createWebSocketClient();
    this.port = port;
    this.channel = channel;
    this.payloads = payloads;
    this.replies = new Promise[payloads.size()];
  }

  @Override
  public Future<Void> open() {
    // no Origin header (Vert.x adds one by default): an ingest listener refuses browsers' origins
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/")
            .setAllowOriginHeader(false))
        .onSuccess(ws -> {
          socket = ws;
          ws.textMessageHandler(this::reply);
          ws.closeHandler(v -> {
            for (Promise<Void> pending : replies) {
              if (pending != null) {
                pending.tryFail("the ingest WebSocket closed: " + ws.closeStatusCode() + " " + ws.closeReason());
              }
            }
          });
        })
        .mapEmpty();
  }

  @Override
  public Future<Void> publish(int n) {
    Promise<Void> replied = Promise.promise();
    replies[n] = replied;
    socket.writeTextMessage("{\"op\":\"publish\",\"id\":" + n + ",\"channel\":\"" + channel + "\",\"data\":"
        + payloads.json().get(n) + "}");
    return replied.future();
  }

  private void reply(String text) {
    JsonObject frame = new JsonObject(text);
    if (!"reply".equals(frame.getString("type")) || !(frame.getValue("id") instanceof Integer n)
        || n < 0 || n >= replies.length || replies[n] == null) {
      return; // not a publish reply of this round
    }
    Promise<Void> replied = replies[n];
    replies[n] = null;
    if (frame.containsKey("result")) {
      replied.complete();
    } else {
      replied.fail("WebSocket publish refused: " + frame.getValue("error"));
    }
  }

  @Override
  public Future<Void> close() {
    return (socket == null ? Future.<Void>succeededFuture() : socket.close()).eventually(client::close);
  }
}
