package stream.terminal.lastmile.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real WebSocket client (Vert.x) for tests. Every text frame it receives is queued; tests wait on the queue
 * with a timeout, never on a sleep.
 */
public final class WsClient implements AutoCloseable {
  public static final long TIMEOUT_S = 10;

  private final WebSocket ws;
  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
  /** Binary messages (a Protobuf-format subscription's), apart from the text frames. */
  private final BlockingQueue<byte[]> binaryFrames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();
  private final AtomicLong nextId = new AtomicLong(1);

  private WsClient(WebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(frames::add);
    ws.binaryMessageHandler(b -> binaryFrames.add(b.getBytes()));
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
  }

  public static WsClient connect(Vertx vertx, int port) throws Exception {
    return connect(vertx, port, "/", List.of());
  }

  public static WsClient connect(Vertx vertx, int port, String path, List<String> subProtocols) throws Exception {
    return connect(vertx, new WebSocketClientOptions(),
        // like any client that is not a browser: no Origin header (Vert.x sends one unless told not to)
        new WebSocketConnectOptions().setPort(port).setURI(path).setSubProtocols(subProtocols)
            .setAllowOriginHeader(false));
  }

  /** Connects to 127.0.0.1 with the given client options (TLS, for instance) and connect options (headers). */
  public static WsClient connect(Vertx vertx, WebSocketClientOptions clientOptions, WebSocketConnectOptions options)
      throws Exception {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions(clientOptions)
        .setMaxMessageSize(64 * 1024 * 1024).setMaxFrameSize(64 * 1024 * 1024));
    return new WsClient(client.connect(options.setHost("127.0.0.1")).await(TIMEOUT_S, TimeUnit.SECONDS));
  }

  public WebSocket socket() {
    return ws;
  }

  public void sendText(String text) {
    ws.writeTextMessage(text);
  }

  public void send(JsonObject command) {
    sendText(command.encode());
  }

  /** Sends a command with a fresh numeric id and waits for its reply. */
  public JsonObject request(JsonObject command) throws InterruptedException {
    long id = nextId.getAndIncrement();
    send(command.copy().put("id", id));
    return replyTo(id);
  }

  public JsonObject request(String op, String channel) throws InterruptedException {
    JsonObject command = new JsonObject().put("op", op);
    if (channel != null) {
      command.put("channel", channel);
    }
    return request(command);
  }

  /** Waits for the reply with this id, skipping messages; fails on a timeout. */
  public JsonObject replyTo(Object id) throws InterruptedException {
    while (true) {
      JsonObject frame = next();
      if ("reply".equals(frame.getString("type")) && String.valueOf(id).equals(String.valueOf(frame.getValue("id")))) {
        return frame;
      }
    }
  }

  /** The next frame as JSON; fails after the timeout. */
  public JsonObject next() throws InterruptedException {
    return new JsonObject(nextText());
  }

  public String nextText() throws InterruptedException {
    String frame = frames.poll(TIMEOUT_S, TimeUnit.SECONDS);
    assertNotNull(frame, "no frame within " + TIMEOUT_S + " s");
    return frame;
  }

  /** The next frame that is a channel message, skipping others. */
  public JsonObject nextMessage() throws InterruptedException {
    while (true) {
      JsonObject frame = next();
      if ("message".equals(frame.getString("type"))) {
        return frame;
      }
    }
  }

  /** The next binary message; fails after the timeout. */
  public byte[] nextBinary() throws InterruptedException {
    byte[] frame = binaryFrames.poll(TIMEOUT_S, TimeUnit.SECONDS);
    assertNotNull(frame, "no binary frame within " + TIMEOUT_S + " s");
    return frame;
  }

  /** Null if no binary message arrives within the wait. */
  public byte[] pollBinary(long millis) throws InterruptedException {
    return binaryFrames.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** Null if nothing arrives within the wait (used to show that nothing more comes). */
  public String poll(long millis) throws InterruptedException {
    return frames.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** Waits for the server to close the connection; returns the close status code. */
  public short awaitClose() throws Exception {
    Short code = closed.get(TIMEOUT_S * 2, TimeUnit.SECONDS);
    return code == null ? -1 : code;
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  public void sendBinary(byte[] bytes) {
    ws.writeBinaryMessage(Buffer.buffer(bytes));
  }

  public static void assertResult(JsonObject reply) {
    if (reply.containsKey("error")) {
      fail("expected a result, got " + reply.encode());
    }
  }

  public static void assertError(String code, JsonObject reply) {
    JsonObject error = reply.getJsonObject("error");
    assertNotNull(error, "expected error " + code + ", got " + reply.encode());
    assertEquals(code, error.getString("code"), reply.encode());
  }

  @Override
  public void close() {
    if (!ws.isClosed()) {
      ws.close();
    }
  }
}
