package stream.terminal.lastmile.node;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import stream.terminal.lastmile.config.ConfigParser;
import stream.terminal.lastmile.config.GatewayConfig;
import stream.terminal.lastmile.config.WarmupConfig;

/**
 * Warms a starting node's JIT on its real hot path: a private, throwaway gateway (its own embedded Vert.x, in-memory
 * registry and metrics registry, listeners on ephemeral loopback ports) takes {@link WarmupTraffic} for a bounded
 * time and is then closed, leaving only the compiled code. Nothing of it is visible on the node: no channel,
 * connection, metric or cluster traffic. A warm-up never fails the node's start: whatever goes wrong is logged.
 * It runs after the node's listeners are open and before it reports ready: they share the JIT's compiled code.
 */
final class SelfWarmup {
  /** Bounds each step beyond the traffic's own time: starting, draining and stopping the throwaway gateway. */
  private static final long STEP_MS = 15_000;

  private SelfWarmup() {}

  /**
   * Runs the warm-up on a thread of its own (a Vert.x started or closed from another's event loop would report
   * back on a loop that may be gone); the future always succeeds, each step being bounded in time.
   *
   * @param node the starting node's configuration: the warm-up uses as many edge event loops
   */
  static Future<Void> run(GatewayConfig node) {
    Promise<Void> done = Promise.promise();
    Thread thread = new Thread(() -> {
      warmUp(node);
      done.complete();
    }, "last-mile-warmup");
    thread.setDaemon(true);
    thread.start();
    return done.future();
  }

  private static void warmUp(GatewayConfig node) {
    WarmupConfig warmup = node.warmup();
    long started = System.nanoTime();
    Node throwaway = null;
    try {
      throwaway = Node.start(ConfigParser.parse(config(node))).await(STEP_MS, TimeUnit.MILLISECONDS);
      WarmupTraffic.Counts c = WarmupTraffic.run(warmup, throwaway.port(WarmupTraffic.EDGE),
          throwaway.port(WarmupTraffic.INGEST), warmup.maxMs() + STEP_MS);
      log().log(System.Logger.Level.INFO, "self warm-up: {0} deliveries of {1} publishes to {2} subscribers, "
              + "{3} history reads in {4} ms", c.deliveries(), c.publishes(), c.subscribers(), c.histories(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    } catch (Exception e) {
      log().log(System.Logger.Level.WARNING, "self warm-up failed after {0} ms, starting without it: {1}",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), String.valueOf(e));
    } finally {
      if (throwaway != null) {
        try {
          throwaway.stop().await(STEP_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          log().log(System.Logger.Level.WARNING, "self warm-up: its gateway did not stop cleanly: {0}", String.valueOf(e));
        }
      }
    }
  }

  /**
   * The throwaway gateway: the node's edge event loops, a public and a private listener on the warm-up host, no
   * per-address budgets (every connection comes from one address), metrics on in a registry of its own (so their
   * code is warm too), no cluster, no declared channel, and no warm-up of its own.
   */
  static JsonObject config(GatewayConfig node) {
    JsonObject noBudgets = new JsonObject().put("max_connections_per_ip", 0).put("new_connections_per_second_per_ip", 0)
        .put("frames_per_second_per_ip", 0).put("read_bytes_per_second_per_ip", 0)
        .put("reply_bytes_per_second_per_ip", 0);
    String host = node.warmup().host();
    return new JsonObject()
        .put("node", new JsonObject()
            .put("roles", new JsonArray().add("ingest").add("edge"))
            .put("edge_instances", node.edgeInstances())
            .put("shutdown_grace_ms", 1000)
            .put("warmup", new JsonObject().put("enabled", false)))
        .put("metrics", new JsonObject().put("enabled", true))
        .put("channels", new JsonObject().put("defaults", new JsonObject().put("backlog_size", 100)))
        .put("listeners", new JsonArray()
            .add(new JsonObject().put("name", WarmupTraffic.EDGE).put("role", "edge").put("host", host).put("port", 0)
                .put("permissions", new JsonArray().add("subscribe")).put("limits", noBudgets.copy()))
            .add(new JsonObject().put("name", WarmupTraffic.INGEST).put("role", "ingest").put("host", host)
                .put("port", 0).put("permissions", new JsonArray().add("create").add("publish"))
                .put("limits", noBudgets.copy())));
  }

  private static System.Logger log() {
    return System.getLogger(SelfWarmup.class.getName());
  }
}
