package stream.terminal.lastmile.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The floor of what Vert.x can do as a broadcast server, a peer to the gateway and to Nchan under the same load
 * generator: no JSON, no auth, no persistence, no limits beyond the write-queue check below.
 *
 * <pre>FloorServer [--host 127.0.0.1] [--port 8096] [--instances N]</pre>
 *
 * {@code GET /sub/CHANNEL} upgraded to a WebSocket receives every body later posted to {@code POST /pub/CHANNEL}
 * as one text frame holding exactly the body's bytes ({@code /sub/A/B} follows several channels, like Nchan's
 * multiplexed channel ids); the POST answers 200 with an empty body; anything else is
 * 404. N instances (default: one per processor) share the port, each with its own subscribers on its event loop;
 * a publish reaches all of them over the local event bus. A subscriber whose write queue is full misses the
 * message instead of queueing it; the count of such skips is printed on shutdown.
 */
public final class FloorServer {
  private static final String USAGE = "FloorServer [--host 127.0.0.1] [--port 8096] [--instances N]";
  private static final String ADDRESS = "floor.publish";
  private static final Pattern PATH = Pattern.compile("/(sub|pub)/([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*)");

  private FloorServer() {}

  public static void main(String[] args) {
    String host = "127.0.0.1";
    int port = 8096;
    int instances = Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 == args.length) {
        usage("missing value for " + args[i]);
      }
      String value = args[i + 1];
      switch (args[i]) {
        case "--host" -> host = value;
        case "--port" -> port = number(value, 0, 65535);
        case "--instances" -> instances = number(value, 1, 1024);
        default -> usage("unknown argument " + args[i]);
      }
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    Throwable noNative = vertx.unavailableNativeTransportCause();
    System.err.println("floor: native transport " + (vertx.isNativeTransportEnabled() ? "on"
        : noNative == null ? "off (none on the classpath)" : "off (" + noNative + ")"));
    LongAdder skipped = new LongAdder();
    int actualPort;
    try {
      actualPort = deploy(vertx, host, port, instances, skipped).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("floor: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("floor: close did not finish: " + e);
      }
      System.out.println("floor stopped; " + skipped.sum() + " writes skipped on a full write queue");
    }, "floor-shutdown"));
    System.out.println("floor ready on " + host + ":" + actualPort);
  }

  private static int number(String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    usage("'" + value + "' is not a number from " + min + " to " + max);
    return min;
  }

  private static void usage(String problem) {
    System.err.println("floor: " + problem + " (usage: " + USAGE + ")");
    System.exit(2);
  }

  /**
   * Deploys {@code instances} verticles serving one port, once per Vert.x instance (it registers the event-bus
   * codec). Port 0 picks a random port that all instances share.
   *
   * @param skipped counts the writes skipped because a subscriber's write queue was full
   * @return the port listened on
   */
  public static Future<Integer> deploy(Vertx vertx, String host, int port, int instances, LongAdder skipped) {
    vertx.eventBus().registerDefaultCodec(Publication.class, new Publication.LocalCodec());
    HttpServerOptions options = new HttpServerOptions()
        .setHost(host)
        // port 0 would give each instance a port of its own; a negative port is Vert.x's shared random port
        .setPort(port == 0 ? -1 : port)
        // every write happens on the connection's event loop: no per-connection outbound queue (as the gateway)
        .setStrictThreadMode(true)
        .setMaxWebSocketFrameSize(64 * 1024)
        .setMaxWebSocketMessageSize(64 * 1024)
        // deflate would compress each message once per subscriber; the gateway turns it off as well
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        // curl sends "Expect: 100-continue" for bodies over 1 KiB and waits a second for the answer
        .setHandle100ContinueAutomatically(true);
    List<Instance> started = new CopyOnWriteArrayList<>();
    return vertx
        .deployVerticle(() -> {
          Instance instance = new Instance(options, skipped);
          started.add(instance);
          return instance;
        }, new DeploymentOptions().setInstances(instances))
        .compose(id -> {
          Set<Integer> ports = new HashSet<>();
          started.forEach(instance -> ports.add(instance.server.actualPort()));
          return ports.size() == 1
              ? Future.succeededFuture(ports.iterator().next())
              : Future.failedFuture("instances listen on different ports " + ports);
        });
  }

  /** One published message, handed by reference to every instance. */
  record Publication(String channel, Buffer body) {

    /** Passes the publication as is: the bytes are only read, so the per-instance copy of Buffer's codec is waste. */
    static final class LocalCodec implements MessageCodec<Publication, Publication> {
      @Override
      public void encodeToWire(Buffer buffer, Publication publication) {
        throw new UnsupportedOperationException("local only");
      }

      @Override
      public Publication decodeFromWire(int pos, Buffer buffer) {
        throw new UnsupportedOperationException("local only");
      }

      @Override
      public Publication transform(Publication publication) {
        return publication;
      }

      @Override
      public String name() {
        return "floor-publication";
      }

      @Override
      public byte systemCodecID() {
        return -1;
      }
    }
  }

  /** One event loop's share: an HTTP server on the shared port and the subscribers it accepted. */
  private static final class Instance extends VerticleBase {
    private final HttpServerOptions options;
    private final LongAdder skipped;
    /** Touched only on this verticle's event loop, which also runs its sockets' handlers. */
    private final Map<String, Set<ServerWebSocket>> channels = new HashMap<>();
    private HttpServer server;

    Instance(HttpServerOptions options, LongAdder skipped) {
      this.options = options;
      this.skipped = skipped;
    }

    @Override
    public Future<?> start() {
      server = vertx.createHttpServer(options).requestHandler(this::route);
      return vertx.eventBus().<Publication>localConsumer(ADDRESS, message -> broadcast(message.body()))
          .completion()
          .compose(v -> server.listen());
    }

    private void route(HttpServerRequest request) {
      Matcher path = PATH.matcher(request.path());
      if (!path.matches()) {
        request.response().setStatusCode(404).end();
        return;
      }
      String channel = path.group(2);
      boolean sub = path.group(1).equals("sub");
      if (sub && request.method() == HttpMethod.GET && request.canUpgradeToWebSocket()) {
        // subscribed once the upgrade completes: under load a publish sent the moment the client sees its 101 has
        // been seen to miss it (FloorServerTest), so the load generator publishes only after a warm-up
        request.toWebSocket().onSuccess(ws -> subscribe(List.of(channel.split("/")), ws));
      } else if (!sub && request.method() == HttpMethod.POST && channel.indexOf('/') < 0) {
        request.body().onSuccess(body -> {
          vertx.eventBus().publish(ADDRESS, new Publication(channel, body));
          request.response().end();
        });
      } else {
        request.response().setStatusCode(404).end();
      }
    }

    private void subscribe(List<String> names, ServerWebSocket ws) {
      for (String channel : names) {
        channels.computeIfAbsent(channel, c -> new LinkedHashSet<>()).add(ws);
      }
      ws.closeHandler(v -> {
        for (String channel : names) {
          Set<ServerWebSocket> subscribers = channels.get(channel);
          if (subscribers != null && subscribers.remove(ws) && subscribers.isEmpty()) {
            channels.remove(channel);
          }
        }
      });
      // a peer resetting its connection is routine under load; the close handler cleans up
      ws.exceptionHandler(e -> {});
    }

    private void broadcast(Publication publication) {
      Set<ServerWebSocket> subscribers = channels.get(publication.channel());
      if (subscribers == null) {
        return;
      }
      for (ServerWebSocket ws : subscribers) {
        if (ws.writeQueueFull()) {
          skipped.increment();
        } else {
          ws.writeFrame(textFrame(publication.body()));
        }
      }
    }

    /**
     * A text frame over the shared body bytes, without copying them. Vert.x 5.0 has no public text frame over a
     * Buffer: writeTextMessage(String) and WebSocketFrame.textFrame(String) encode the string to new bytes for
     * every subscriber. One frame cannot serve every subscriber either: Netty's encoder consumes the payload's
     * reader index (and a String frame's buffer is released after one write), so each write takes its own slice.
     * The frame class is internal to Vert.x (later versions move its package): an upgrade may break this import.
     */
    private static WebSocketFrame textFrame(Buffer body) {
      return new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) body).getByteBuf(), true);
    }
  }
}
