package stream.terminal.lastmile.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one load-generator run does. URL templates replace {@code {c}} with a channel name; in raw mode a
 * subscriber that follows several channels gets them joined by {@code /} in its URL (Nchan's multiplexed channel
 * ids, the floor server's path segments).
 *
 * @param subscribe edge URLs of the transport's endpoint; subscribers are spread over them in turn
 * @param publish HTTP POST URL template
 * @param create HTTP PUT URL template creating a channel before it is subscribed, or null (raw servers need none)
 * @param transport how subscribers connect (native WebSocket by default)
 * @param raw true: the URL subscribes and messages are bodies; false: the gateway's native protocol
 * @param rate publishes per second over the channels; 0 = as fast as delivered, at most {@code window} messages
 *     in flight end to end
 * @param sources spread connections over source addresses 127.0.0.1..127.0.0.N (ephemeral ports are per address)
 * @param serverPids processes whose CPU and memory are the server's (empty: not measured)
 */
record LoadSettings(
    Scenario scenario,
    String server,
    int run,
    List<UrlTemplate> subscribe,
    UrlTemplate publish,
    UrlTemplate create,
    Transport transport,
    boolean raw,
    int subscribers,
    int channels,
    int rate,
    int sharedRate,
    int window,
    int payloadBytes,
    int warmupSeconds,
    int durationSeconds,
    int drainSeconds,
    int sources,
    int connectConcurrency,
    int threads,
    List<Long> serverPids,
    String channelPrefix,
    Path out) {

  static final String USAGE = """
      LoadGenerator --scenario fanout|throughput|many-channels|idle|cluster|fresh [--big]
          --subscribe ws://127.0.0.1:8080/ [--subscribe URL ...]   (raw: ws://127.0.0.1:8095/sub/{c})
          --publish http://127.0.0.1:8081/channels/{c}/messages   (raw: http://127.0.0.1:8095/pub/{c})
          [--create http://127.0.0.1:8081/channels/{c}] [--raw] [--server NAME] [--run N]
          [--transport websocket|sse|sockjs|sockjs-xhr|eventbus]   (sse: http://127.0.0.1:8080/sse; the others:
                                                          ws://127.0.0.1:8080/eventbus; raw sse: Nchan's /sub/{c})
          [--subscribers N] [--channels N] [--rate MSGS_PER_S (0 = as fast as delivered)] [--shared-rate N]
          [--window N] [--payload-bytes N] [--warmup S] [--duration S] [--drain S] [--sources N]
          [--connect-concurrency N] [--threads N] [--server-pid PID ...] [--prefix NAME] [--out FILE.jsonl]""";

  /** Every subscriber follows channel {@code i % channels}; with a shared rate also the shared channel. */
  List<String> channelsOf(int subscriber) {
    List<String> names = new ArrayList<>(2);
    names.add(channel(subscriber % channels));
    if (sharedRate > 0) {
      names.add(sharedChannel());
    }
    return names;
  }

  String channel(int index) {
    return channelPrefix + "_" + index;
  }

  String sharedChannel() {
    return channelPrefix + "_all";
  }

  /**
   * The scenario as results name it: its label, with the transport after it unless that is the native WebSocket
   * (so {@code fanout-sse} is fanout over SSE, and existing results keep their names).
   */
  String scenarioLabel() {
    return transport == Transport.WEBSOCKET ? scenario.label() : scenario.label() + "-" + transport.label();
  }

  boolean idle() {
    return scenario == Scenario.IDLE;
  }

  static LoadSettings parse(String[] args) {
    Map<String, List<String>> flags = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (!flag.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + flag);
      }
      String name = flag.substring(2);
      if (name.equals("big") || name.equals("raw")) {
        flags.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
      } else if (i + 1 < args.length) {
        flags.computeIfAbsent(name, k -> new ArrayList<>()).add(args[++i]);
      } else {
        throw new IllegalArgumentException(flag + " needs a value");
      }
    }
    Scenario scenario = Scenario.of(one(flags, "scenario", null));
    Scenario.Size size = scenario.size(flags.containsKey("big"));
    List<UrlTemplate> subscribe = flags.getOrDefault("subscribe", List.of()).stream().map(UrlTemplate::parse).toList();
    if (subscribe.isEmpty()) {
      throw new IllegalArgumentException("--subscribe is required");
    }
    List<Long> pids = flags.getOrDefault("server-pid", List.of()).stream().map(Long::parseLong).toList();
    String out = one(flags, "out", "");
    LoadSettings settings = new LoadSettings(
        scenario,
        one(flags, "server", "last-mile"),
        number(flags, "run", 1),
        subscribe,
        template(one(flags, "publish", scenario == Scenario.IDLE ? "" : null)),
        template(one(flags, "create", "")),
        Transport.of(one(flags, "transport", "websocket")),
        flags.containsKey("raw"),
        number(flags, "subscribers", size.subscribers()),
        number(flags, "channels", size.channels()),
        number(flags, "rate", size.rate()),
        number(flags, "shared-rate", size.sharedRate()),
        number(flags, "window", 2),
        number(flags, "payload-bytes", 100),
        number(flags, "warmup", size.warmupSeconds()),
        number(flags, "duration", size.durationSeconds()),
        number(flags, "drain", 10),
        number(flags, "sources", 8),
        number(flags, "connect-concurrency", 256),
        number(flags, "threads", Runtime.getRuntime().availableProcessors()),
        pids,
        one(flags, "prefix", "b" + Long.toString(System.currentTimeMillis(), 36)),
        out.isEmpty() ? null : Path.of(out));
    settings.validate(flags.keySet());
    return settings;
  }

  private void validate(Iterable<String> given) {
    List<String> known = List.of("scenario", "big", "subscribe", "publish", "create", "transport", "raw", "server", "run",
        "subscribers", "channels", "rate", "shared-rate", "window", "payload-bytes", "warmup", "duration", "drain",
        "sources", "connect-concurrency", "threads", "server-pid", "prefix", "out");
    for (String flag : given) {
      if (!known.contains(flag)) {
        throw new IllegalArgumentException("unknown option --" + flag);
      }
    }
    if (subscribers < 1 || channels < 1 || channels > subscribers || window < 1 || sources < 1 || sources > 250
        || threads < 1 || connectConcurrency < 1 || rate < 0 || sharedRate < 0 || durationSeconds < 1) {
      throw new IllegalArgumentException("out of range: need 1 <= channels <= subscribers, window, threads, "
          + "duration, connect-concurrency >= 1, 1 <= sources <= 250, rates >= 0");
    }
    if (raw && transport != Transport.WEBSOCKET && transport != Transport.SSE) {
      throw new IllegalArgumentException("--raw is for WebSocket and SSE servers; the event-bus bridge is the gateway's");
    }
    if (!channelPrefix.matches("\\w+")) {
      throw new IllegalArgumentException("--prefix must be letters, digits or _ (Nchan's channel ids are \\w+)");
    }
  }

  private static UrlTemplate template(String url) {
    return url.isEmpty() ? null : UrlTemplate.parse(url);
  }

  private static String one(Map<String, List<String>> flags, String name, String fallback) {
    List<String> values = flags.get(name);
    if (values == null) {
      if (fallback == null) {
        throw new IllegalArgumentException("--" + name + " is required");
      }
      return fallback;
    }
    return values.get(values.size() - 1);
  }

  private static int number(Map<String, List<String>> flags, String name, int fallback) {
    String value = one(flags, name, Integer.toString(fallback));
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be an integer: " + value);
    }
  }
}
