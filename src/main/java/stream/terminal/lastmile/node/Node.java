package stream.terminal.lastmile.node;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import stream.terminal.lastmile.bus.ChannelMessageCodec;
import stream.terminal.lastmile.channel.ChannelRegistry;
import stream.terminal.lastmile.channel.ChannelSweeper;
import stream.terminal.lastmile.cluster.ClusterView;
import stream.terminal.lastmile.cluster.HazelcastChannelRegistry;
import stream.terminal.lastmile.cluster.HazelcastSetup;
import stream.terminal.lastmile.channel.LocalChannelRegistry;
import stream.terminal.lastmile.channel.Publisher;
import stream.terminal.lastmile.config.ClusterConfig;
import stream.terminal.lastmile.config.GatewayConfig;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.config.Role;
import stream.terminal.lastmile.edge.EdgeVerticle;
import stream.terminal.lastmile.hub.SubscriptionHub;
import stream.terminal.lastmile.identity.IdentityServices;
import stream.terminal.lastmile.session.SessionDirectory;
import stream.terminal.lastmile.ingest.IngestVerticle;
import stream.terminal.lastmile.metrics.GatewayMetrics;
import stream.terminal.lastmile.net.ConnectionGate;
import stream.terminal.lastmile.ops.OpsVerticle;
import stream.terminal.lastmile.protobuf.ProtoTypes;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.listener.ListenerVerticle;
import stream.terminal.lastmile.listener.NodeServices;
import stream.terminal.lastmile.listener.Readiness;

/** One running gateway: its Vert.x instance, its shared services and the verticles of its roles. */
public final class Node {
  /**
   * How long a node holds a channel's message while an earlier offset is missing, before reading the hole from
   * the backlog: long enough for the usual reordering between two ingest nodes, short enough to go unnoticed.
   */
  private static final long HOLE_WAIT_MS = 200;
  /**
   * How many messages of one channel a node holds while it waits (behind a hole, for an epoch check): far more
   * than two ingest nodes reorder in {@link #HOLE_WAIT_MS}, and a bound on what a broken or hostile member of the
   * cluster network can make it keep. Real messages dropped past it come back from the backlog with their hole.
   */
  private static final int MAX_WAITING = 4096;

  /**
   * How often a clustered node compares the stored tails of the channels it consumes with what reached it: a
   * message stored but never received (see {@link SubscriptionHub}) reaches subscribers within about twice this
   * plus two cluster round trips, under the 1 s docs/protocol.md promises.
   */
  private static final long TAIL_CHECK_MS = 300;

  private static final System.Logger LOG = System.getLogger(Node.class.getName());
  /** How often a clustered node polls its quorum: a small part of the time it takes to lose it (cluster/Quorum). */
  private static final long QUORUM_CHECK_MS = 250;

  private final Vertx vertx;
  private final NodeServices services;
  private final List<String> deployments = new ArrayList<>();
  private Future<Void> stopped;

  private Node(Vertx vertx, NodeServices services) {
    this.vertx = vertx;
    this.services = services;
  }

  /**
   * Starts a node: on the embedded event bus, or as a cluster member when the configuration enables the
   * cluster. Fails, with every resource released, when the cluster cannot be joined or a listener cannot bind.
   */
  public static Future<Node> start(GatewayConfig config) {
    return start(config, UnaryOperator.identity());
  }

  /**
   * Starts a node whose channel registry is wrapped by {@code registryView}: tests use it to hold a lookup in
   * flight, as a cluster's registry may.
   */
  public static Future<Node> start(GatewayConfig config, UnaryOperator<ChannelRegistry> registryView) {
    PrometheusMeterRegistry prometheus =
        config.metricsEnabled() ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
    MeterRegistry meters = prometheus != null ? prometheus : new SimpleMeterRegistry();
    VertxBuilder builder = Vertx.builder()
        .with(new VertxOptions()
            // epoll where the platform has it (see the pom): the write path is most of a delivery's cost
            .setPreferNativeTransport(true)
            .setMetricsOptions(metricsOptions(config))
            .setEventBusOptions(eventBus(config)))
        .withMetrics(new MicrometerMetricsFactory(meters));
    if (!config.cluster().enabled()) {
      return start(config, builder.build(), null, prometheus, meters, registryView);
    }
    HazelcastClusterManager cluster = new HazelcastClusterManager(HazelcastSetup.build(config.cluster()));
    return builder.withClusterManager(cluster).buildClustered()
        .compose(vertx -> start(config, vertx, cluster, prometheus, meters, registryView));
  }

  private static Future<Node> start(GatewayConfig config, Vertx vertx, HazelcastClusterManager cluster,
      PrometheusMeterRegistry prometheus, MeterRegistry meters, UnaryOperator<ChannelRegistry> registryView) {
    vertx.eventBus().registerDefaultCodec(ChannelMessage.class, new ChannelMessageCodec());
    GatewayMetrics metrics = new GatewayMetrics(meters);
    ClusterView view = cluster == null ? null : new ClusterView(cluster.getHazelcastInstance());
    ChannelRegistry registry = registryView.apply(cluster == null
        ? new LocalChannelRegistry(config.maxChannels(), config.channelPolicies(), config.channelBounds())
        : new HazelcastChannelRegistry(vertx, cluster.getHazelcastInstance(), config.maxChannels(),
            config.channelPolicies(), view));
    Map<String, ConnectionGate> gates = new ConcurrentHashMap<>();
    for (ListenerConfig listener : config.listeners()) {
      gates.put(listener.name(), new ConnectionGate(listener.name(), listener.limits()));
    }
    IdentityServices identity = IdentityServices.create(vertx, config);
    NodeServices services =
        new NodeServices(
            config,
            registry,
            new Publisher(registry, config.channelPolicies(), identity.signatures(),
                ProtoTypes.of(config.protobuf()), vertx.eventBus(), metrics),
            new SubscriptionHub(metrics, registry, HOLE_WAIT_MS, MAX_WAITING, cluster == null ? 0 : TAIL_CHECK_MS),
            metrics,
            identity,
            new SessionDirectory(),
            prometheus,
            gates,
            new ConcurrentHashMap<>(),
            cluster == null ? new Readiness() : new Readiness(cluster.getHazelcastInstance(), view));
    Node node = new Node(vertx, services);
    if (view != null) {
      watch(vertx, view, services);
    }
    return vertx.deployVerticle(services.hub())
        .compose(id -> registry instanceof LocalChannelRegistry local ? bound(vertx, local, services)
            : Future.succeededFuture())
        // a member that starts without its quorum cannot create: it declares its channels once it has it
        .compose(id -> view == null || view.getAsBoolean() ? node.declareChannels() : Future.succeededFuture())
        .compose(v -> node.deployRoles())
        // listeners are open but /ready still answers 503: the JIT compiles the hot path before clients come
        .compose(v -> config.warmup().enabled() ? SelfWarmup.run(config) : Future.<Void>succeededFuture())
        .map(v -> {
          if (view == null || view.getAsBoolean()) {
            services.ready().started(true);
          } else {
            node.declareOnQuorum(view);
          }
          return node;
        })
        .recover(e -> {
          // report at once: once Vert.x closes, listeners bound to its contexts would never be told
          vertx.close();
          return Future.failedFuture(e);
        });
  }

  /**
   * A node that loses its quorum, or merges after a split, sends every client elsewhere: nothing it would get
   * here could be acknowledged, and what it was shown may be contradicted by the cluster it rejoins.
   */
  private static void watch(Vertx vertx, ClusterView view, NodeServices services) {
    view.onViewLost(services.directory()::drainAll);
    vertx.setPeriodic(QUORUM_CHECK_MS, id -> view.check());
  }

  /**
   * The embedded registry's backlog budget in metrics and its periodic sweep; a clustered node's backlogs are
   * Hazelcast ringbuffers, bounded by their capacity and TTL (docs/operations.md).
   */
  private static Future<String> bound(Vertx vertx, LocalChannelRegistry registry, NodeServices services) {
    services.metrics().backlogs(registry, LocalChannelRegistry::backlogBytes, LocalChannelRegistry::trimmed);
    Set<String> declared = Set.copyOf(services.config().declaredChannels());
    return vertx.deployVerticle(new ChannelSweeper(registry, services.config().channelBounds().sweepIntervalMs(),
        channel -> declared.contains(channel) || services.hub().consumes(channel), services.metrics()));
  }

  /**
   * In a cluster the event bus binds and announces the operator's address, like Hazelcast, and with
   * {@code cluster.tls} speaks TLS both ways: a peer must present a certificate signed by the configured CA.
   */
  private static EventBusOptions eventBus(GatewayConfig config) {
    ClusterConfig cluster = config.cluster();
    EventBusOptions options = new EventBusOptions();
    if (cluster.enabled()) {
      options.setHost(cluster.host()).setPort(cluster.eventBusPort()).setClusterPublicHost(cluster.announcedHost());
      if (cluster.tls() != null) {
        options.setSsl(true)
            .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cluster.tls().cert()).setKeyPath(cluster.tls().key()))
            .setTrustOptions(new PemTrustOptions().addCertPath(cluster.tls().ca()))
            .setClientAuth(ClientAuth.REQUIRED);
      }
    }
    return options;
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

  /**
   * Declares the channels, then answers ready, once the member has its quorum: until then it stays not ready
   * (its /ready says 503 anyway) and its start does not wait, so nodes may start one after another.
   */
  private void declareOnQuorum(ClusterView view) {
    vertx.setPeriodic(QUORUM_CHECK_MS, id -> {
      if (view.getAsBoolean() && vertx.cancelTimer(id)) {
        declareChannels().onSuccess(v -> services.ready().started(true))
            .onFailure(e -> {
              LOG.log(System.Logger.Level.WARNING, "declaring the channels failed; trying again: {0}", e.toString());
              declareOnQuorum(view);
            });
      }
    });
  }

  /** Creates the declared channels; in a cluster another node may have created them first, which is fine. */
  private Future<Void> declareChannels() {
    List<Future<?>> created = new ArrayList<>();
    for (String channel : services.config().declaredChannels()) {
      created.add(services.publisher().create(channel).recover(e ->
          GatewayException.of(e).code() == ErrorCode.CHANNEL_EXISTS ? Future.succeededFuture() : Future.failedFuture(e)));
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
    if (!config.listeners(Role.OPS).isEmpty()) {
      chain = chain.compose(v -> deploy(() -> new OpsVerticle(services), 1));
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
   * Stops gracefully: not ready at once, still serving for {@code node.drain_delay_ms} (a load balancer stops
   * sending clients meanwhile), then every listener stops accepting, each connection stops reading, gets the
   * replies of its commands in flight (a stored publish is acknowledged) and then a {@code disconnect} notice
   * with {@code reconnect: true} before it closes.
   */
  public synchronized Future<Void> stop() {
    if (stopped != null) {
      return stopped;
    }
    services.ready().started(false);
    int delay = services.config().drainDelayMs();
    // listeners first, so every client has its notice; closing Vert.x then takes the hub and the cluster down
    stopped = (delay == 0 ? Future.succeededFuture() : afterDelay(delay))
        .transform(ar -> undeployRoles())
        .transform(ar -> vertx.close());
    return stopped;
  }

  /**
   * Completes on a thread outside Vert.x, like a stop that starts at once: a Vert.x timer would run the rest of
   * the stop on an event loop, and a clustered Vert.x closed from one of its own event loops never reports the
   * close done (it completes on that loop, which is gone by then), so the launcher would wait out its timeout.
   */
  private static Future<Void> afterDelay(int delayMs) {
    Promise<Void> elapsed = Promise.promise();
    CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS).execute(elapsed::complete);
    return elapsed.future();
  }

  private Future<?> undeployRoles() {
    List<Future<?>> undeployed = new ArrayList<>();
    for (String id : deployments) {
      undeployed.add(vertx.undeploy(id));
    }
    return Future.join(undeployed);
  }
}
