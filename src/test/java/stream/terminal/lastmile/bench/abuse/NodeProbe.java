package stream.terminal.lastmile.bench.abuse;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import stream.terminal.lastmile.bench.ProcessProbe;

/**
 * The node seen from outside: RSS, open files and CPU time from {@code /proc} (when its PID is known), and the
 * counters of refusals, disconnects and error replies from its Prometheus {@code /metrics} on the ingest listener.
 */
final class NodeProbe implements AutoCloseable {
  /** Counters that say the node refused or dropped something, whatever later versions name them. */
  private static final Pattern COUNTER =
      Pattern.compile("^lastmile_(\\w*(?:disconnect|reject|refus|timeout|throttled|errors|skipped|dropped|trimmed)\\w*)_total(?:\\{([^}]*)})?\\s+(\\S+)$");
  private static final Pattern LABEL = Pattern.compile("\\w+=\"([^\"]*)\"");

  /** One look at the process; -1 for what could not be read. */
  record Sample(long nanos, long rssKib, long fds, long cpuMicros) {
    static Sample empty() {
      return new Sample(System.nanoTime(), -1, -1, -1);
    }

    /** CPU use between two samples, in % of one core; -1 when unknown. */
    double cpuPercentSince(Sample before) {
      if (cpuMicros < 0 || before.cpuMicros < 0 || nanos == before.nanos) {
        return -1;
      }
      return 100.0 * (cpuMicros - before.cpuMicros) * 1000 / (nanos - before.nanos);
    }
  }

  private final Target target;
  private final HttpClient http;

  NodeProbe(Vertx vertx, Target target) {
    this.target = target;
    this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(target.host())
        .setDefaultPort(target.ingestPort()));
  }

  Sample sample() {
    if (target.pid().isEmpty() || !alive()) {
      return Sample.empty();
    }
    long pid = target.pid().getAsLong();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return new Sample(System.nanoTime(), ProcessProbe.rssKib(pid), fds.count(), ProcessProbe.cpuMicros(pid));
    } catch (IOException | IllegalStateException e) {
      return Sample.empty(); // the process ended between the checks
    }
  }

  /** True while the node's process runs (always true when its PID is not known). */
  boolean alive() {
    return target.pid().isEmpty() || ProcessHandle.of(target.pid().getAsLong()).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Refusal, disconnect and error counters by "name reason"; empty when /metrics does not answer. */
  Map<String, Double> counters() {
    try {
      String text = http.request(HttpMethod.GET, "/metrics")
          .compose(request -> request.send().compose(response -> response.body()))
          .await(10, TimeUnit.SECONDS).toString();
      Map<String, Double> counters = new TreeMap<>();
      for (String line : text.split("\n")) {
        Matcher m = COUNTER.matcher(line);
        if (m.matches()) {
          Matcher labels = LABEL.matcher(m.group(2) == null ? "" : m.group(2));
          StringBuilder key = new StringBuilder(m.group(1));
          while (labels.find()) {
            key.append(' ').append(labels.group(1));
          }
          counters.merge(key.toString(), Double.parseDouble(m.group(3)), Double::sum);
        }
      }
      return counters;
    } catch (Exception e) {
      return Map.of();
    }
  }

  /** The counters that grew, by how much, "name reason n, ..."; error replies left out unless {@code errors}. */
  static String grown(Map<String, Double> before, Map<String, Double> after, boolean errors) {
    if (after.isEmpty()) {
      return "n/a";
    }
    Map<String, Long> grown = new LinkedHashMap<>();
    after.forEach((key, value) -> {
      long delta = Math.round(value - before.getOrDefault(key, 0.0));
      if (delta > 0 && (errors || !key.startsWith("errors"))) {
        grown.put(key, delta);
      }
    });
    return grown.isEmpty() ? "none" : grown.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
  }

  @Override
  public void close() {
    http.close();
  }
}
