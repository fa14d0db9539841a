package stream.terminal.lastmile.node;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import stream.terminal.lastmile.config.WarmupConfig;

/**
 * The warm-up's clients, all on one event loop of their own Vert.x: WebSocket subscribers and one SSE subscriber on
 * a channel, publishes over HTTP and over an ingest WebSocket (a few in flight, as fast as they are acknowledged),
 * and now and then a history read over both; until the time or the delivery bound. Any unexpected answer fails the
 * run: a warm-up that does not take the real path warms nothing.
 */
final class WarmupTraffic {
  static final String EDGE = "warmup-edge";
  static final String INGEST = "warmup-ingest";
  private static final String CHANNEL = "warmup.fanout";
  private static final int SUBSCRIBERS = 50;
  private static final int IN_FLIGHT = 8;
  private static final int HISTORY_EVERY = 64;
  private static final String PADDING = "x".repeat(64);

  record Counts(long deliveries, long publishes, int subscribers, long histories) {}

  private final Vertx vertx;
  private final WarmupConfig config;
  private final String host;
  private final int edgePort;
  private final int ingestPort;
  private final Promise<Counts> done = Promise.promise();
  private final List<WebSocket> sockets = new ArrayList<>();
  private HttpClient http;
  /** Held until the end: Vert.x closes a client that is garbage collected, with its connections. */
  private WebSocketClient webSockets;
  private WebSocket publisher;
  private long deliveries;
  private long publishes;
  private long histories;
  private long nextId;
  private int inFlight;
  private boolean stopping;

  private WarmupTraffic(Vertx vertx, WarmupConfig config, String host, int edgePort, int ingestPort) {
    this.vertx = vertx;
    this.config = config;
    this.host = host;
    this.edgePort = edgePort;
    this.ingestPort = ingestPort;
  }

  /**
   * Runs the traffic on a Vert.x of its own, closed before this returns; blocks, so call it off any event loop.
   * Fails when the gateway answers anything unexpected, or when the run outlasts {@code timeoutMs}.
   */
  static Counts run(WarmupConfig config, int edgePort, int ingestPort, long timeoutMs) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
    try {
      WarmupTraffic traffic = new WarmupTraffic(vertx, config, config.host(), edgePort, ingestPort);
      vertx.runOnContext(v -> traffic.start());
      return traffic.done.future().await(timeoutMs, TimeUnit.MILLISECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private void start() {
    http = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(IN_FLIGHT + 2));
    webSockets = vertx.createWebSocketClient();
    expect(http.request(new RequestOptions().setMethod(HttpMethod.PUT).setHost(host).setPort(ingestPort)
            .setURI("/channels/" + CHANNEL)), 201)
        .compose(v -> subscribe())
        .compose(v -> openSse())
        .compose(v -> openPublisher())
        .onSuccess(v -> {
          // the bound is on the traffic: connecting is slow in a cold JVM, and bounded by the caller's timeout
          vertx.setTimer(config.maxMs(), t -> stop());
          for (int i = 0; i < IN_FLIGHT; i++) {
            publishNext();
          }
        })
        .onFailure(this::fail);
  }

  private Future<Void> subscribe() {
    List<Future<Void>> subscribed = new ArrayList<>();
    for (int i = 0; i < SUBSCRIBERS; i++) {
      Promise<Void> replied = Promise.promise();
      subscribed.add(webSockets.connect(endpoint(edgePort)).compose(ws -> {
        sockets.add(ws);
        ws.textMessageHandler(text -> {
          if (text.startsWith("{\"type\":\"message\"")) {
            delivered();
          } else if (text.startsWith("{\"type\":\"reply\",\"id\":1,\"result\"")) {
            replied.tryComplete();
          } else if (!text.startsWith("{\"type\":\"reply\"") || text.contains("\"error\"")) {
            fail(new IllegalStateException("subscriber got " + text));
          }
        });
        ws.exceptionHandler(this::fail);
        return ws.writeTextMessage("{\"op\":\"subscribe\",\"channel\":\"" + CHANNEL + "\",\"id\":1}")
            .compose(v -> replied.future());
      }));
    }
    return Future.all(subscribed).mapEmpty();
  }

  /** One Server-Sent Events stream: its frames are not counted, its code path is what matters. */
  private Future<Void> openSse() {
    return http.request(new RequestOptions().setHost(host).setPort(edgePort).setURI("/sse?channel=" + CHANNEL)
            .putHeader("Accept", "text/event-stream"))
        .compose(request -> request.send())
        .compose(response -> {
          if (response.statusCode() != 200) {
            return Future.failedFuture("SSE answered " + response.statusCode());
          }
          response.handler(chunk -> {});
          response.exceptionHandler(e -> {
            if (!stopping) {
              fail(e);
            }
          });
          return Future.succeededFuture();
        });
  }

  private Future<Void> openPublisher() {
    return webSockets.connect(endpoint(ingestPort)).map(ws -> {
      publisher = ws;
      ws.textMessageHandler(text -> {
        if (text.startsWith("{\"type\":\"reply\"") && text.contains("\"result\"")) {
          acknowledged();
        } else {
          fail(new IllegalStateException("publisher got " + text));
        }
      });
      ws.exceptionHandler(this::fail);
      return null;
    });
  }

  /** Alternates HTTP and WebSocket publishes, with a history read over each every {@link #HISTORY_EVERY}. */
  private void publishNext() {
    if (stopping || done.future().isComplete()) {
      finishWhenIdle();
      return;
    }
    long n = ++publishes;
    inFlight++;
    String data = new JsonObject().put("n", n).put("pad", PADDING).encode();
    if (n % HISTORY_EVERY == 0) {
      histories++;
      sockets.get(0).writeTextMessage("{\"op\":\"history\",\"channel\":\"" + CHANNEL + "\",\"limit\":10,\"id\":2}");
      inFlight++;
      expect(http.request(new RequestOptions().setHost(host).setPort(ingestPort)
              .setURI("/channels/" + CHANNEL + "/messages?limit=10")), 200)
          .onComplete(ar -> settled(ar.cause()));
    }
    if (n % 2 == 0) {
      publisher.writeTextMessage("{\"op\":\"publish\",\"channel\":\"" + CHANNEL + "\",\"data\":" + data + ",\"id\":" + n + "}")
          .onFailure(this::fail);
    } else {
      expect(http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(ingestPort)
              .setURI("/channels/" + CHANNEL + "/messages").putHeader("Content-Type", "application/json")),
          Buffer.buffer(data), 200)
          .onComplete(ar -> {
            settled(ar.cause());
            publishNext();
          });
    }
  }

  private void acknowledged() {
    settled(null);
    publishNext();
  }

  private void settled(Throwable failure) {
    inFlight--;
    if (failure != null) {
      fail(failure);
    }
  }

  private void delivered() {
    if (++deliveries >= config.maxDeliveries()) {
      stop();
    }
  }

  private void stop() {
    stopping = true;
    finishWhenIdle();
  }

  private void finishWhenIdle() {
    if (stopping && inFlight <= 0 && !done.future().isComplete()) {
      closeAll().onComplete(v -> done.tryComplete(new Counts(deliveries, publishes, SUBSCRIBERS, histories)));
    }
  }

  private void fail(Throwable e) {
    if (!done.future().isComplete()) {
      stopping = true;
      closeAll().onComplete(v -> done.tryFail(e));
    }
  }

  private Future<Void> closeAll() {
    List<Future<Void>> closed = new ArrayList<>();
    sockets.forEach(ws -> closed.add(ws.close()));
    if (publisher != null) {
      closed.add(publisher.close());
    }
    if (http != null) {
      closed.add(http.close());
    }
    if (webSockets != null) {
      closed.add(webSockets.close());
    }
    return Future.join(closed).<Void>mapEmpty().otherwiseEmpty();
  }

  /** No Origin header: a client that is not a browser, as ingest listeners accept by default. */
  private WebSocketConnectOptions endpoint(int port) {
    return new WebSocketConnectOptions().setHost(host).setPort(port).setURI("/").setAllowOriginHeader(false);
  }

  private static Future<Void> expect(Future<io.vertx.core.http.HttpClientRequest> request, int status) {
    return expect(request, null, status);
  }

  private static Future<Void> expect(Future<io.vertx.core.http.HttpClientRequest> request, Buffer body, int status) {
    return request
        .compose(r -> body == null ? r.send() : r.send(body))
        .compose(response -> response.body().compose(b -> status(response, b, status)));
  }

  private static Future<Void> status(HttpClientResponse response, Buffer body, int expected) {
    return response.statusCode() == expected ? Future.succeededFuture()
        : Future.failedFuture("HTTP " + response.statusCode() + " " + body);
  }
}
