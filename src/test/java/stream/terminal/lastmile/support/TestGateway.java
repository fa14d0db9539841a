package stream.terminal.lastmile.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import stream.terminal.lastmile.channel.ChannelRegistry;
import stream.terminal.lastmile.config.ConfigParser;
import stream.terminal.lastmile.node.Node;

/**
 * A real node on 127.0.0.1 with free ports: one edge listener "public" and one ingest listener "private", and
 * WebSocket clients for it. Tests adjust the configuration tree before {@link #start()}.
 */
public final class TestGateway implements AutoCloseable {
  private final JsonObject config;
  /** The tests' own Vert.x, for their WebSocket clients: never the node's. */
  private final Vertx clients = Vertx.vertx();
  private volatile Node node;
  private UnaryOperator<ChannelRegistry> registryView = UnaryOperator.identity();

  public TestGateway() {
    config =
        new JsonObject()
            .put("node", new JsonObject().put("edge_instances", 2).put("shutdown_grace_ms", 2000)
                .put("warmup", new JsonObject().put("enabled", false)))
            .put(
                "listeners",
                new JsonArray()
                    .add(listener("public", "edge"))
                    .add(listener("private", "ingest")));
  }

  private static JsonObject listener(String name, String role) {
    return new JsonObject().put("name", name).put("role", role).put("host", "127.0.0.1").put("port", 0)
        .put("limits", new JsonObject());
  }

  public JsonObject config() {
    return config;
  }

  /** The limits mapping of a listener, to adjust before start. */
  public JsonObject limits(String listener) {
    return listenerConfig(listener).getJsonObject("limits");
  }

  public JsonObject listenerConfig(String listener) {
    JsonArray listeners = config.getJsonArray("listeners");
    for (int i = 0; i < listeners.size(); i++) {
      if (listener.equals(listeners.getJsonObject(i).getString("name"))) {
        return listeners.getJsonObject(i);
      }
    }
    throw new IllegalArgumentException(listener);
  }

  /** Wraps the node's channel registry (for example to hold lookups in flight); call before start. */
  public TestGateway registryView(UnaryOperator<ChannelRegistry> view) {
    this.registryView = view;
    return this;
  }

  public TestGateway start() throws Exception {
    node = Node.start(ConfigParser.parse(config.copy()), registryView).await(30, TimeUnit.SECONDS);
    return this;
  }

  /** Starts without waiting, for a test that watches the start itself; the gateway is usable once it succeeds. */
  public Future<Node> startAsync() {
    return Node.start(ConfigParser.parse(config.copy()), registryView).onSuccess(n -> node = n);
  }

  public Node node() {
    return node;
  }

  /** A WebSocket client connected to the public listener. */
  public WsClient edge() throws Exception {
    return WsClient.connect(clients, edgePort());
  }

  /** A WebSocket client connected to the private listener. */
  public WsClient ingest() throws Exception {
    return WsClient.connect(clients, ingestPort());
  }

  /** The value of one meter on {@code /metrics}, named as in its line: {@code name{tags}} (fails when absent). */
  public double metric(String series) throws Exception {
    String prefix = series + " ";
    return Http.get(ingestPort(), "/metrics").body().lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length())))
        .findFirst().orElseThrow(() -> new AssertionError("no " + series + " on /metrics"));
  }

  /** How many connections the node dropped for a reason ({@code slow_consumer}, {@code flood}, ...). */
  public double disconnects(String reason) throws Exception {
    return metric("lastmile_disconnects_total{reason=\"" + reason + "\"}");
  }

  public Vertx clients() {
    return clients;
  }

  public int edgePort() {
    return node.port("public");
  }

  public int ingestPort() {
    return node.port("private");
  }

  public void stop() throws Exception {
    if (node != null) {
      Node n = node;
      node = null;
      n.stop().await(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws Exception {
    stop();
    clients.close().await();
  }
}
