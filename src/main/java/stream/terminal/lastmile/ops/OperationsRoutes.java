package stream.terminal.lastmile.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.function.BooleanSupplier;

/** {@code /health}, {@code /ready} and {@code /metrics}: for the private side only. */
public final class OperationsRoutes {
  private OperationsRoutes() {}

  /**
   * @param ready true once every listener is bound (and, in a cluster, the node's backups are in sync), false
   *     again as soon as shutdown begins, so a load balancer stops sending clients before they are disconnected
   * @param prometheus the registry to expose, or null when metrics are off
   */
  public static void mount(Router router, BooleanSupplier ready, PrometheusMeterRegistry prometheus) {
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "up")));
    // in a cluster the check asks Hazelcast whether backups are in sync, which may wait: not on the event loop,
    // and unordered, so that one slow check holds up no other probe
    router.get("/ready").handler(ctx -> ctx.vertx().executeBlocking(ready::getAsBoolean, false).onComplete(ar -> {
      boolean isReady = ar.succeeded() && ar.result();
      ctx.response().setStatusCode(isReady ? 200 : 503);
      ctx.json(new JsonObject().put("status", isReady ? "ready" : "not_ready"));
    }));
    if (prometheus != null) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(prometheus));
    }
  }
}
