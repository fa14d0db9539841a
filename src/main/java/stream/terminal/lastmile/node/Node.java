package stream.terminal.lastmile.node;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import stream.terminal.lastmile.bus.ChannelMessageCodec;
import stream.terminal.lastmile.channel.ChannelRegistry;
import stream.terminal.lastmile.channel.LocalChannelRegistry;
import stream.terminal.lastmile.channel.Publisher;
import stream.terminal.lastmile.config.GatewayConfig;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.config.Role;
import stream.terminal.lastmile.edge.EdgeVerticle;
import stream.terminal.lastmile.hub.SubscriptionHub;
import stream.terminal.lastmile.ingest.IngestVerticle;
import stream.terminal.lastmile.metrics.GatewayMetrics;
import stream.terminal.lastmile.protocol.ChannelMessage;

/** One running gateway: its Vert.x instance, its shared services and the verticles of its roles. */
public final class Node {
  private final Vertx vertx;
  private final NodeServices services;
  private final List<String> deployments = new ArrayList<>();
  private Future<Void> stopped;

  private Node(Vertx vertx, NodeServices services) {
    this.vertx = vertx;
    this.services = services;
  }

  /**
   * Starts a node on the embedded (not clustered) event bus. Call it from a thread that is not a Vert.x one,
   * so that the hub gets a context of its own. Fails, with every resource released, when a listener cannot
   * bind.
   */
  public static Future<Node> start(GatewayConfig config) {
    PrometheusMeterRegistry prometheus =
        config.metricsEnabled() ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
    MeterRegistry meters = prometheus != null ? prometheus : new SimpleMeterRegistry();
    Vertx vertx =
        Vertx.builder()
            .with(new VertxOptions().setMetricsOptions(metricsOptions(config)))
            .withMetrics(new MicrometerMetricsFactory(meters))
            .build();
    vertx.eventBus().registerDefaultCodec(ChannelMessage.class, new ChannelMessageCodec());

    GatewayMetrics metrics = new GatewayMetrics(meters);
    ChannelRegistry registry = new LocalChannelRegistry(config.maxChannels());
    Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
    for (ListenerConfig listener : config.listeners()) {
      connections.put(listener.name(), new AtomicInteger());
    }
    NodeServices services =
        new NodeServices(
            config,
            registry,
            new Publisher(registry, vertx.eventBus(), metrics),
            new SubscriptionHub(vertx, metrics),
            metrics,
            prometheus,
            connections,
            new ConcurrentHashMap<>(),
            new AtomicBoolean());
    Node node = new Node(vertx, services);
    return node.declareChannels()
        .compose(v -> node.deployRoles())
        .map(v -> {
          services.ready().set(true);
          return node;
        })
        .recover(e -> vertx.close().transform(ar -> Future.failedFuture(e)));
  }

  private static MicrometerMetricsOptions metricsOptions(GatewayConfig config) {
    MicrometerMetricsOptions options = new MicrometerMetricsOptions().setEnabled(config.metricsEnabled());
    options.setJvmMetricsEnabled(true);
    // event-bus meters are tagged by address, i.e. by channel name: unbounded cardinality
    options.addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
    // one series per listener address instead of one gauge that every server fights over
    options.addLabels(Label.LOCAL);
    return options;
  }

  private Future<Void> declareChannels() {
    List<Future<?>> created = new ArrayList<>();
    for (String channel : services.config().declaredChannels()) {
      created.add(services.publisher().create(channel));
    }
    return Future.all(created).mapEmpty();
  }

  private Future<Void> deployRoles() {
    GatewayConfig config = services.config();
    Future<Void> chain = Future.succeededFuture();
    if (config.roles().contains(Role.INGEST)) {
      chain = chain.compose(v -> deploy(() -> new IngestVerticle(services), config.ingestInstances()));
    }
    if (config.roles().contains(Role.EDGE)) {
      int instances = config.edgeInstances() == 0 ? Runtime.getRuntime().availableProcessors() : config.edgeInstances();
      chain = chain.compose(v -> deploy(() -> new EdgeVerticle(services), instances));
    }
    return chain;
  }

  private Future<Void> deploy(java.util.function.Supplier<ListenerVerticle> verticle, int instances) {
    return vertx
        .deployVerticle(verticle, new DeploymentOptions().setInstances(instances))
        .onSuccess(deployments::add)
        .mapEmpty();
  }

  /** The port a listener bound (useful when the config asked for port 0). */
  public int port(String listener) {
    Integer port = services.ports().get(listener);
    if (port == null) {
      throw new IllegalArgumentException("no bound listener named " + listener);
    }
    return port;
  }

  public GatewayConfig config() {
    return services.config();
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Stops gracefully: not ready at once, then every listener stops accepting and each client gets a
   * {@code disconnect} notice with {@code reconnect: true} before its connection closes.
   */
  public synchronized Future<Void> stop() {
    if (stopped != null) {
      return stopped;
    }
    services.ready().set(false);
    List<Future<?>> undeployed = new ArrayList<>();
    for (String id : deployments) {
      undeployed.add(vertx.undeploy(id));
    }
    stopped = Future.join(undeployed).transform(ar -> vertx.close());
    return stopped;
  }
}
