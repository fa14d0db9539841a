package stream.terminal.lastmile.bench;

import com.sun.management.OperatingSystemMXBean;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The load generator: N subscribers (WebSocket, SSE or the SockJS event-bus bridge) over M channels, a publisher at a fixed rate or as fast as messages
 * are delivered, and per-message publish → receive latency. It measures a window after a warm-up: deliveries,
 * latency percentiles, the server's CPU time per delivered message and memory (from {@code /proc}, given its
 * PIDs), and its own CPU, then waits for the messages still in flight and reports any that never arrived.
 * Prints one JSON line on stdout (appended to {@code --out} too) and a readable summary on stderr.
 * Usage: {@link LoadSettings#USAGE}.
 */
public final class LoadGenerator {
  private final Vertx vertx;
  private final LoadSettings settings;
  private final Tally tally = new Tally();

  LoadGenerator(Vertx vertx, LoadSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  public static void main(String[] args) throws Exception {
    LoadSettings settings;
    try {
      settings = LoadSettings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + "\n" + LoadSettings.USAGE);
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(settings.threads()));
    int status = 0;
    try {
      JsonObject result = new LoadGenerator(vertx, settings).run();
      System.out.println(result.encode());
      System.err.println(summary(result));
      if (settings.out() != null) {
        Files.writeString(settings.out(), result.encode() + "\n", StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
      status = result.getLong("lost") == 0 && result.getLong("errors") == 0 ? 0 : 1;
    } catch (Exception e) {
      System.err.println("load generator failed: " + e.getMessage());
      status = 1;
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    System.exit(status);
  }

  /** Runs the scenario; blocks, so call it off the event loops. */
  JsonObject run() throws Exception {
    JsonObject result = new JsonObject()
        .put("scenario", settings.scenarioLabel())
        .put("transport", settings.transport().label())
        .put("server", settings.server())
        .put("run", settings.run())
        .put("mode", settings.raw() ? "raw" : "native")
        .put("subscribers", settings.subscribers())
        .put("channels", settings.channels() + (settings.sharedRate() > 0 ? 1 : 0))
        .put("publish_rate", settings.rate())
        .put("payload_bytes", settings.payloadBytes());
    if (settings.create() != null) {
      createChannels();
    }
    List<Long> pids = settings.serverPids();
    OptionalLong heapBefore = settings.idle() ? ProcessProbe.heapAfterGcKib(pids) : OptionalLong.empty();
    long rssBefore = pids.isEmpty() ? 0 : ProcessProbe.rssKib(pids);

    List<SubscriberGroup> groups = new ArrayList<>();
    long connectStart = System.nanoTime();
    for (int t = 0; t < settings.threads(); t++) {
      List<Integer> members = new ArrayList<>();
      for (int i = t; i < settings.subscribers(); i += settings.threads()) {
        members.add(i);
      }
      SubscriberGroup group = new SubscriberGroup(settings, members, tally);
      groups.add(group);
      vertx.deployVerticle(group).await(10, TimeUnit.SECONDS);
    }
    try {
      Future.all(groups.stream().map(SubscriberGroup::opened).toList()).await(300, TimeUnit.SECONDS);
      double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
      result.put("connects_per_s", round(settings.subscribers() / connectSeconds));
      if (settings.idle()) {
        measureIdle(result, heapBefore, rssBefore);
      } else {
        measureTraffic(result);
      }
    } finally {
      for (SubscriberGroup group : groups) {
        vertx.undeploy(group.deploymentID()).await(60, TimeUnit.SECONDS);
      }
    }
    result.put("connections_lost", tally.lost.sum());
    if (tally.firstLoss.get() != null) {
      result.put("first_connection_loss", tally.firstLoss.get());
    }
    result.put("errors", result.getLong("errors", 0L) + tally.lost.sum());
    return result;
  }

  private void measureIdle(JsonObject result, OptionalLong heapBefore, long rssBefore) throws Exception {
    long cpuBefore = settings.serverPids().isEmpty() ? 0 : ProcessProbe.cpuMicros(settings.serverPids());
    vertx.timer(settings.durationSeconds() * 1000L).await();
    result.put("duration_s", settings.durationSeconds()).put("lost", 0).put("errors", 0);
    if (settings.serverPids().isEmpty()) {
      return;
    }
    result.put("server_cpu_pct", round(100.0 * (ProcessProbe.cpuMicros(settings.serverPids()) - cpuBefore)
        / (settings.durationSeconds() * 1e6)));
    // a JVM's RSS is read after its full GC, as the baseline was: garbage is not what a connection costs
    OptionalLong heap = ProcessProbe.heapAfterGcKib(settings.serverPids());
    if (heap.isPresent() && heapBefore.isPresent()) {
      result.put("server_heap_after_gc_kib", heap.getAsLong())
          .put("heap_per_conn_kib", round((double) (heap.getAsLong() - heapBefore.getAsLong()) / settings.subscribers()));
    }
    long rss = ProcessProbe.rssKib(settings.serverPids());
    result.put("server_rss_kib", rss).put("rss_per_conn_kib", round((double) (rss - rssBefore) / settings.subscribers()));
  }

  private void measureTraffic(JsonObject result) throws Exception {
    PublishLoop publisher = new PublishLoop(settings, tally);
    // without a warm-up the window opens before the first publish: a fresh server's first messages count
    boolean fromFirstPublish = settings.warmupSeconds() == 0;
    Snapshot start = null;
    if (fromFirstPublish) {
      tally.openWindow();
      start = snapshot(publisher);
    }
    vertx.deployVerticle(publisher).await(10, TimeUnit.SECONDS);
    try {
      if (!fromFirstPublish) {
        vertx.timer(settings.warmupSeconds() * 1000L).await();
        tally.openWindow();
        start = snapshot(publisher);
      }
      vertx.timer(settings.durationSeconds() * 1000L).await();
      Snapshot end = snapshot(publisher);
      tally.closeWindow();
      PublishLoop.Counts counts = publisher.finish().await(60, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.drainSeconds());
      // wait for the messages still in flight: whatever has not arrived by the deadline is lost
      while (tally.delivered.sum() < counts.expected() && System.nanoTime() < deadline && tally.lost.sum() == 0) {
        vertx.timer(20).await();
      }
      double seconds = (end.nanos - start.nanos) / 1e9;
      long delivered = end.delivered - start.delivered;
      Histogram latency = tally.latency();
      result.put("duration_s", round(seconds))
          .put("published", counts.acked())
          .put("publish_errors", counts.failed())
          .put("published_per_s", round((end.published - start.published) / seconds))
          .put("expected", counts.expected())
          .put("delivered", tally.delivered.sum())
          .put("lost", Math.max(0, counts.expected() - tally.delivered.sum()))
          .put("errors", counts.failed() + tally.unstamped.sum())
          .put("delivered_per_s", round(delivered / seconds))
          .put("latency_samples", latency.getTotalCount())
          .put("p50_us", latency.getValueAtPercentile(50))
          .put("p99_us", latency.getValueAtPercentile(99))
          .put("p999_us", latency.getValueAtPercentile(99.9))
          .put("max_us", latency.getMaxValue())
          .put("generator_cpu_pct", round(100.0 * (end.generatorCpu - start.generatorCpu) / (end.nanos - start.nanos)))
          .put("generator_cpu_us_per_msg", perMessage((end.generatorCpu - start.generatorCpu) / 1000, delivered));
      if (counts.firstError() != null) {
        result.put("first_publish_error", counts.firstError());
      }
      if (!settings.serverPids().isEmpty()) {
        long cpu = end.serverCpu - start.serverCpu;
        result.put("server_cpu_pct", round(100.0 * cpu * 1000 / (end.nanos - start.nanos)))
            .put("server_cpu_us_per_msg", perMessage(cpu, delivered))
            .put("server_rss_kib", ProcessProbe.rssKib(settings.serverPids()));
        ProcessProbe.heapAfterGcKib(settings.serverPids()).ifPresent(h -> result.put("server_heap_after_gc_kib", h));
      }
    } finally {
      vertx.undeploy(publisher.deploymentID()).await(30, TimeUnit.SECONDS);
    }
  }

  private record Snapshot(long nanos, long delivered, long published, long serverCpu, long generatorCpu) {}

  private Snapshot snapshot(PublishLoop publisher) {
    long serverCpu = settings.serverPids().isEmpty() ? 0 : ProcessProbe.cpuMicros(settings.serverPids());
    long generatorCpu = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    return new Snapshot(System.nanoTime(), tally.delivered.sum(), publisher.counts().sent(), serverCpu, generatorCpu);
  }

  /**
   * PUTs every channel (the gateway needs a channel before it can be subscribed), a window at a time. The
   * requests are made on one Vert.x context: made from this thread, a response could complete on its
   * connection's loop before the callback that reads its body ran elsewhere, and that body never arrived.
   */
  private void createChannels() throws Exception {
    HttpClient http = vertx.createHttpClient();
    Context context = vertx.getOrCreateContext();
    try {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < settings.channels(); i++) {
        names.add(settings.channel(i));
      }
      if (settings.sharedRate() > 0) {
        names.add(settings.sharedChannel());
      }
      for (int from = 0; from < names.size(); from += 64) {
        List<String> batch = names.subList(from, Math.min(names.size(), from + 64));
        Promise<Void> created = Promise.promise();
        context.runOnContext(v -> Future.all(batch.stream().map(name -> create(http, name)).toList())
            .<Void>mapEmpty()
            .onComplete(created));
        created.future().await(60, TimeUnit.SECONDS);
      }
    } finally {
      http.close().await(10, TimeUnit.SECONDS);
    }
  }

  private Future<Integer> create(HttpClient http, String name) {
    UrlTemplate target = settings.create();
    return http.request(new RequestOptions().setMethod(HttpMethod.PUT).setHost(target.host())
            .setPort(target.port()).setURI(target.path(name)))
        .compose(request -> request.send()
            .compose(response -> response.body().map(b -> {
              if (response.statusCode() != 201 && response.statusCode() != 409) {
                throw new IllegalStateException("create " + name + ": HTTP " + response.statusCode() + " " + b);
              }
              return response.statusCode();
            })));
  }

  private static double perMessage(long micros, long messages) {
    return messages == 0 ? 0 : round((double) micros / messages);
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  static String summary(JsonObject r) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%s on %s: %d subscribers, %d channels, %s connects/s",
        r.getString("scenario"), r.getString("server"), r.getInteger("subscribers"), r.getInteger("channels"),
        r.getValue("connects_per_s")));
    if (r.containsKey("delivered_per_s")) {
      out.append(String.format(Locale.ROOT, "%n  delivered %s/s (%d of %d, lost %d, errors %d); latency p50 %d µs, "
              + "p99 %d µs, p99.9 %d µs, max %d µs; generator CPU %s%%",
          r.getValue("delivered_per_s"), r.getLong("delivered"), r.getLong("expected"), r.getLong("lost"),
          r.getLong("errors"), r.getLong("p50_us"), r.getLong("p99_us"), r.getLong("p999_us"), r.getLong("max_us"),
          r.getValue("generator_cpu_pct")));
    }
    if (r.containsKey("server_cpu_pct")) {
      out.append(String.format(Locale.ROOT, "%n  server: CPU %s%% of a core, %s µs per delivered message, RSS %d KiB",
          r.getValue("server_cpu_pct"), r.getValue("server_cpu_us_per_msg", "n/a"), r.getLong("server_rss_kib")));
    }
    if (r.containsKey("rss_per_conn_kib")) {
      out.append(String.format(Locale.ROOT, "%n  per connection: RSS %s KiB, heap %s KiB",
          r.getValue("rss_per_conn_kib"), r.getValue("heap_per_conn_kib", "n/a")));
    }
    return out.toString();
  }
}
