package stream.terminal.lastmile.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The generator's SSE and event-bus bridge subscribers against real servers on a random port: a Vert.x SSE
 * endpoint with chunked coding, and vertx-web's own SockJS handler and bridge (over its websocket and xhr-streaming
 * transports, and its raw endpoint).
 */
@ExtendWith(VertxExtension.class)
class TransportSubscribersTest {
  private static final String HOST = "127.0.0.1";

  private final List<Long> stamps = new CopyOnWriteArrayList<>();
  private final List<String> losses = new CopyOnWriteArrayList<>();
  private final List<HttpServerResponse> streams = new CopyOnWriteArrayList<>();
  private final WsConnection.Sink sink = new WsConnection.Sink() {
    @Override
    public void message(long stampMicros) {
      stamps.add(stampMicros);
    }

    @Override
    public void lost(String why) {
      losses.add(why);
    }
  };
  private Vertx vertx;
  private HttpServer server;
  private NetClient client;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    Router router = Router.router(vertx);
    router.get("/sse").handler(ctx -> {
      if (!"c1".equals(ctx.request().getParam("channel"))) {
        ctx.response().setStatusCode(404).putHeader("Content-Type", "application/json")
            .end("{\"error\":{\"code\":\"channel_not_found\"}}");
        return;
      }
      HttpServerResponse response = ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
      // as the gateway starts a stream: the retry time, then one subscribed event per channel
      response.write("retry: 2000\n\nevent: subscribed\nid: c1:e:0\ndata: {\"channel\":\"c1\",\"epoch\":\"e\",\"offset\":0}\n\n");
      streams.add(response);
    });
    SockJSBridgeOptions bridge = new SockJSBridgeOptions().addOutboundPermitted(new PermittedOptions().setAddress("c1"));
    // xhr_send reads its body; a streaming response ends after a few messages, so the subscriber must ask again
    router.route("/eventbus/*").handler(BodyHandler.create());
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx, new SockJSHandlerOptions().setMaxBytesStreaming(4096))
        .bridge(bridge));
    server = vertx.createHttpServer().requestHandler(router).listen(0, HOST).await(10, TimeUnit.SECONDS);
    client = vertx.createNetClient();
  }

  @AfterEach
  void stop() throws Exception {
    Future.join(client.close(), server.close()).await(10, TimeUnit.SECONDS);
  }

  private UrlTemplate url(String scheme, String path) {
    return UrlTemplate.parse(scheme + "://" + HOST + ":" + server.actualPort() + path);
  }

  @Test
  void sseEventsAreStampedDeliveriesAndNamedEventsAreNot(VertxTestContext test) {
    Transport.SSE.open(client, url("http", "/sse"), 0, List.of("c1"), false, sink)
        .onComplete(test.succeeding(subscriber -> {
          HttpServerResponse stream = streams.get(0);
          // one event split over two chunks, two in one chunk, and a named event between them
          stream.write("id: c1:e:1\ndata: {\"type\":\"message\",\"data\":{\"t\":11,");
          stream.write("\"p\":\"x\"}}\n\n: ping\n\nevent: error\ndata: {}\n\ndata: {\"t\":12}\n\n");
          vertx.setPeriodic(10, id -> {
            if (stamps.size() == 3) {
              vertx.cancelTimer(id);
              test.verify(() -> {
                assertEquals(List.of(11L, -1L, 12L), stamps);
                assertEquals(List.of(), losses);
              });
              subscriber.close().onComplete(test.succeedingThenComplete());
            }
          });
        }));
  }

  @Test
  void sseRefusalFailsTheOpenWithStatusAndBody(VertxTestContext test) {
    Transport.SSE.open(client, url("http", "/sse"), 0, List.of("missing"), false, sink)
        .onComplete(test.failing(e -> test.verify(() -> {
          assertTrue(e.getMessage().contains("404") && e.getMessage().contains("channel_not_found"), e.getMessage());
          test.completeNow();
        })));
  }

  @Test
  void sseStreamEndedByTheServerIsALoss(VertxTestContext test) {
    Transport.SSE.open(client, url("http", "/sse"), 0, List.of("c1"), false, sink)
        .onComplete(test.succeeding(subscriber -> {
          streams.get(0).end();
          vertx.setPeriodic(10, id -> {
            if (!losses.isEmpty()) {
              vertx.cancelTimer(id);
              test.verify(() -> assertTrue(losses.get(0).contains("ended"), losses.toString()));
              test.completeNow();
            }
          });
        }));
  }

  @Test
  void sockJsSubscriberReceivesPublishesAfterItIsReady(VertxTestContext test) {
    bridge(Transport.SOCKJS, test);
  }

  @Test
  void rawBridgeSubscriberReceivesPublishesAfterItIsReady(VertxTestContext test) {
    bridge(Transport.EVENTBUS, test);
  }

  /** 200 messages of about 100 bytes: the streaming response ends after 4 KiB several times on the way. */
  @Test
  void xhrStreamingSubscriberAsksForTheNextResponseAndMissesNothing(VertxTestContext test) {
    bridge(Transport.SOCKJS_XHR, test, 200);
  }

  private void bridge(Transport transport, VertxTestContext test) {
    bridge(transport, test, 3);
  }

  private void bridge(Transport transport, VertxTestContext test, int count) {
    transport.open(client, url("ws", "/eventbus"), 7, List.of("c1"), false, sink)
        .onComplete(test.succeeding(subscriber -> {
          // ready means registered: a publish right away reaches it; ten at a time, as a stream of frames
          List<Long> sent = new ArrayList<>();
          vertx.setPeriodic(1, 2, id -> {
            for (int i = 0; i < 10 && sent.size() < count; i++) {
              long t = sent.size() + 1;
              sent.add(t);
              vertx.eventBus().publish("c1", new JsonObject().put("t", t).put("p", "quote \" and \\ " + "x".repeat(60)));
            }
            if (sent.size() == count) {
              vertx.cancelTimer(id);
            }
          });
          vertx.setPeriodic(10, id -> {
            if (stamps.size() == count || !losses.isEmpty()) {
              vertx.cancelTimer(id);
              test.verify(() -> {
                assertEquals(List.of(), losses);
                assertEquals(sent, stamps);
              });
              subscriber.close().onComplete(test.succeedingThenComplete());
            }
          });
        }));
  }
}
