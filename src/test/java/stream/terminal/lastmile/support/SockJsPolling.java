package stream.terminal.lastmile.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;

/**
 * A SockJS client on the xhr-polling transport, frame by frame as sockjs-client sends them: {@code POST .../xhr}
 * long-polls for the server's frames ({@code o}, {@code h}, {@code a[...]}, {@code c[code,reason]}),
 * {@code POST .../xhr_send} carries the client's. Each bridge frame is one JSON object.
 */
public final class SockJsPolling {
  private final int port;
  private final String base;
  private final Deque<JsonObject> received = new ArrayDeque<>();

  private SockJsPolling(int port, String path) {
    this.port = port;
    this.base = path + "/000/" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** Opens a session at {@code path} (the SockJS prefix, such as /eventbus). */
  public static SockJsPolling open(int port, String path) throws Exception {
    SockJsPolling client = new SockJsPolling(port, path);
    Http.Reply open = client.post("/xhr", null);
    assertEquals(200, open.status(), open.body());
    assertEquals("o\n", open.body());
    return client;
  }

  public void send(JsonObject frame) throws Exception {
    Http.Reply reply = post("/xhr_send", new JsonArray().add(frame.encode()).encode());
    assertEquals(204, reply.status(), reply.body());
  }

  /** Posts these bytes as an {@code xhr_send} body, whatever they are; the reply as it comes. */
  public Http.Reply sendBytes(byte[] body) throws Exception {
    return Http.postBytes(port, base + "/xhr_send", body, "Content-Type", "text/plain");
  }

  /** The next bridge frame, polling for it; fails when the session is closed or nothing comes in 10 s. */
  public JsonObject next() throws Exception {
    while (received.isEmpty()) {
      Http.Reply poll = post("/xhr", null);
      assertEquals(200, poll.status(), poll.body());
      String body = poll.body().strip();
      if (body.startsWith("a")) {
        new JsonArray(body.substring(1)).forEach(text -> received.add(new JsonObject((String) text)));
      } else if (body.startsWith("c")) {
        throw new AssertionError("session closed: " + body);
      }
    }
    return received.poll();
  }

  private Http.Reply post(String path, String body) throws Exception {
    return Http.send("POST", port, base + path, body, "Content-Type", "text/plain");
  }
}
