package stream.terminal.lastmile.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The floor server in-process: several instances on one random port, real WebSocket and HTTP clients. */
@ExtendWith(VertxExtension.class)
class FloorServerTest {
  private static final String HOST = "127.0.0.1";
  /** More than one, so subscribers and publishes land on different instances and the event bus must join them. */
  private static final int INSTANCES = 4;

  private final LongAdder skipped = new LongAdder();
  private int port;
  private Vertx vertx;
  private WebSocketClient wsClient;
  private HttpClient httpClient;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    this.vertx = vertx;
    wsClient = vertx.createWebSocketClient();
    httpClient = vertx.createHttpClient();
    // deploy fails unless every instance listens on the same port
    FloorServer.deploy(vertx, HOST, 0, INSTANCES, skipped).onComplete(test.succeeding(p -> {
      port = p;
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    Future.all(wsClient.close(), httpClient.close()).onComplete(test.succeedingThenComplete());
  }

  @Test
  void everySubscriberGetsItsChannelsMessagesByteForByteInOrder(VertxTestContext test) {
    List<Buffer> c1 = messages("c1", 50);
    List<Buffer> c2 = messages("c2", 10);
    Future<Future<?>> c1Received = subscribers("c1", 20, c1, test);
    Future<Future<?>> c2Received = subscribers("c2", 5, c2, test);
    Future.all(c1Received, c2Received)
        .compose(v -> {
          // c2's messages go out between c1's, so a frame on the wrong channel breaks the expected order
          Future<Void> sent = Future.succeededFuture();
          for (int i = 0; i < c1.size(); i++) {
            Buffer one = c1.get(i);
            sent = sent.compose(x -> publish("c1", one));
            if (i % 5 == 4) {
              Buffer two = c2.get(i / 5);
              sent = sent.compose(x -> publish("c2", two));
            }
          }
          return sent;
        })
        .compose(v -> Future.all(c1Received.result(), c2Received.result()))
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertEquals(0, skipped.sum(), "no subscriber here is slow enough to miss a message");
          test.completeNow();
        })));
  }

  @Test
  void aSubscriberThatDoesNotReadMissesMessagesInsteadOfQueueingThem(VertxTestContext test) {
    Buffer big = Buffer.buffer("x".repeat(60_000));
    wsClient.connect(port, HOST, "/sub/slow")
        .compose(ws -> {
          ws.pause();
          // the socket buffers of both ends fill first: a few MB on loopback
          return publishUntilSkipped("slow", big, 2_000)
              .compose(v -> {
                ws.resume(); // lets the close handshake through what was queued
                return ws.close();
              });
        })
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  void anythingElseIs404(VertxTestContext test) {
    Future.all(List.of(
            status(HttpMethod.GET, "/"),
            status(HttpMethod.GET, "/sub/c1"), // no upgrade
            status(HttpMethod.GET, "/pub/c1"),
            status(HttpMethod.PUT, "/pub/c1"),
            status(HttpMethod.POST, "/sub/c1"),
            status(HttpMethod.POST, "/pub/"),
            status(HttpMethod.POST, "/pub/a/b"),
            status(HttpMethod.POST, "/pub/bad%20name")))
        .onComplete(test.succeeding(all -> test.verify(() -> {
          for (int i = 0; i < all.size(); i++) {
            assertEquals(404, all.<Integer>resultAt(i), "request " + i);
          }
          test.completeNow();
        })));
  }

  @Test
  void aClosedSubscriberIsDroppedAndPublishingGoesOn(VertxTestContext test) {
    Buffer afterClose = Buffer.buffer("after close");
    Checkpoint received = test.checkpoint();
    Checkpoint published = test.checkpoint();
    AtomicBoolean got = new AtomicBoolean();
    Future<WebSocket> stays = wsClient.connect(port, HOST, "/sub/c3");
    Future<WebSocket> leaves = wsClient.connect(port, HOST, "/sub/c3");
    Future.all(stays, leaves)
        .compose(v -> {
          stays.result().frameHandler(frame -> test.verify(() -> {
            if (isData(frame)) {
              assertEquals(afterClose, frame.binaryData());
              if (got.compareAndSet(false, true)) {
                received.flag();
              }
            }
          }));
          leaves.result().frameHandler(frame -> {
            if (isData(frame)) {
              test.failNow("frame after close");
            }
          });
          return leaves.result().close();
        })
        // the server registers a subscriber in the upgrade's completion callback, which may run just after the
        // client saw the 101: publish until the remaining one has the message
        .compose(v -> publishUntil("c3", afterClose, got, 50))
        // the last subscriber of a channel leaving removes the channel; publishing to it still succeeds
        .compose(v -> stays.result().close())
        .compose(v -> publish("c3", afterClose))
        .onComplete(test.succeeding(v -> published.flag()));
  }

  /** Numbered messages of varied sizes: under and over Netty's 1 KiB copy threshold, up to nearly 64 KiB. */
  private static List<Buffer> messages(String channel, int count) {
    List<Buffer> messages = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String text = channel + " #" + i + " é→𝄞 ";
      int size = i == 7 ? 60_000 : i % 3 == 0 ? 2_000 : 0;
      messages.add(Buffer.buffer((text + "x".repeat(size)).getBytes(StandardCharsets.UTF_8)));
    }
    return messages;
  }

  /**
   * Connects {@code count} subscribers to a channel.
   *
   * @return once all are connected, a future of every one of them having received exactly {@code expected}
   */
  private Future<Future<?>> subscribers(String channel, int count, List<Buffer> expected, VertxTestContext test) {
    List<Future<Future<Void>>> connected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      connected.add(wsClient.connect(port, HOST, "/sub/" + channel).map(ws -> {
        Promise<Void> all = Promise.promise();
        int[] next = {0};
        ws.frameHandler(frame -> test.verify(() -> {
          if (!isData(frame)) {
            return; // the close handshake at the end
          }
          int n = next[0]++;
          assertTrue(n < expected.size(), "more frames than messages");
          assertTrue(frame.isText() && frame.isFinal(), "one final text frame per message");
          Buffer want = expected.get(n);
          Buffer got = frame.binaryData();
          assertTrue(want.equals(got), () -> "message " + n + " on " + channel + ": got " + got.length()
              + " bytes starting '" + start(got) + "', want " + want.length() + " starting '" + start(want) + "'");
          if (n + 1 == expected.size()) {
            all.complete();
          }
        }));
        return all.future();
      }));
    }
    return Future.all(connected).map(all -> Future.all(all.<Future<Void>>list()));
  }

  private Future<Void> publishUntilSkipped(String channel, Buffer body, int attempts) {
    if (skipped.sum() > 0) {
      return Future.succeededFuture();
    }
    if (attempts == 0) {
      return Future.failedFuture("no write skipped for a subscriber that reads nothing");
    }
    return publish(channel, body).compose(v -> publishUntilSkipped(channel, body, attempts - 1));
  }

  private Future<Void> publishUntil(String channel, Buffer body, AtomicBoolean done, int attempts) {
    if (done.get()) {
      return Future.succeededFuture();
    }
    if (attempts == 0) {
      return Future.failedFuture("the subscriber never received a publish");
    }
    return publish(channel, body)
        .compose(v -> vertx.timer(20))
        .compose(v -> publishUntil(channel, body, done, attempts - 1));
  }

  private static String start(Buffer buffer) {
    String text = buffer.toString();
    return text.substring(0, Math.min(text.length(), 10));
  }

  private static boolean isData(WebSocketFrame frame) {
    return frame.isText() || frame.isBinary() || frame.isContinuation();
  }

  private Future<Void> publish(String channel, Buffer body) {
    return httpClient.request(HttpMethod.POST, port, HOST, "/pub/" + channel)
        // the response is read in send()'s own callback: a later stage may find its end already gone
        .compose(request -> request.send(body)
            .compose(response -> response.statusCode() == 200
                ? response.end()
                : Future.failedFuture("publish answered " + response.statusCode())));
  }

  private Future<Integer> status(HttpMethod method, String uri) {
    return httpClient.request(method, port, HOST, uri)
        .compose(request -> request.send()
            .compose(response -> response.end().map(v -> response.statusCode())));
  }
}
