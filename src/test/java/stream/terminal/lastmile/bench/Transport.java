package stream.terminal.lastmile.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * How the generator's subscribers connect: each transport's subscriber is written on a raw TCP socket, so that a
 * delivery costs its framing and a byte scan for the stamp, and the generator stays below the server it measures.
 * The edge URLs ({@code --subscribe}) name each transport's endpoint: {@code ws://host:port/} (native WebSocket),
 * {@code http://host:port/sse} (SSE), {@code ws://host:port/eventbus} (the SockJS bridge over its websocket or
 * xhr-streaming transport, and the bridge's raw endpoint); in
 * raw mode a URL template with {@code {c}} subscribes by itself (Nchan's {@code /sub/{c}}, WebSocket or SSE).
 */
enum Transport {
  /** The native protocol: a {@code subscribe} command per channel, each answered by a reply. */
  WEBSOCKET,
  /** Server-Sent Events: {@code GET /sse?channel=A&channel=B}, one event per message. */
  SSE,
  /** The event-bus bridge over SockJS's websocket transport, as {@code sockjs-client} speaks it. */
  SOCKJS,
  /** The event-bus bridge over SockJS's xhr-streaming transport, where a browser goes without a WebSocket. */
  SOCKJS_XHR,
  /** The event-bus bridge's raw WebSocket endpoint, bridge frames without SockJS framing. */
  EVENTBUS;

  static Transport of(String name) {
    for (Transport transport : values()) {
      if (transport.label().equals(name)) {
        return transport;
      }
    }
    throw new IllegalArgumentException("unknown transport " + name + " (websocket, sse, sockjs, sockjs-xhr, eventbus)");
  }

  String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The transport a result's scenario name says ({@code fanout-sse}: SSE; {@code fanout}: WebSocket). */
  static Transport ofScenario(String scenario) {
    for (Transport transport : values()) {
      if (transport != WEBSOCKET && scenario.endsWith("-" + transport.label())) {
        return transport;
      }
    }
    return WEBSOCKET;
  }

  /** The scenario name without its transport ({@code fanout-sse}: {@code fanout}). */
  static String baseScenario(String scenario) {
    Transport transport = ofScenario(scenario);
    return transport == WEBSOCKET ? scenario : scenario.substring(0, scenario.length() - transport.label().length() - 1);
  }

  /**
   * Opens subscriber {@code index} on {@code channels}; the future completes once it is subscribed.
   *
   * @param raw true: the URL template subscribes (its {@code {c}} is the channels joined by {@code /})
   */
  Future<? extends Subscriber> open(NetClient client, UrlTemplate edge, int index, List<String> channels, boolean raw,
      WsConnection.Sink sink) {
    String host = edge.host();
    int port = edge.port();
    return switch (this) {
      case WEBSOCKET -> {
        List<String> commands = raw ? List.of() : channels.stream()
            .map(c -> new JsonObject().put("op", "subscribe").put("channel", c).encode())
            .collect(Collectors.toList());
        yield WsConnection.open(client, host, port, edge.path(String.join("/", channels)), commands, sink);
      }
      case SSE -> SseConnection.open(client, host, port, raw ? edge.path(String.join("/", channels))
          : edge.path() + (edge.path().contains("?") ? "&" : "?")
              + channels.stream().map(c -> "channel=" + c).collect(Collectors.joining("&")),
          raw ? 0 : channels.size(), sink);
      case SOCKJS -> BridgeConnection.open(client, host, port, session(edge, index) + "/websocket", true, channels, sink);
      case SOCKJS_XHR -> XhrStreamingConnection.open(client, host, port, session(edge, index), channels, sink);
      case EVENTBUS -> BridgeConnection.open(client, host, port, base(edge) + "/websocket", false, channels, sink);
    };
  }

  /** A SockJS session's base path: {@code /eventbus/<server>/<session>}, a random session id. */
  private static String session(UrlTemplate edge, int index) {
    return base(edge) + String.format(Locale.ROOT, "/%03d/%s",
        index % 1000, Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36));
  }

  private static String base(UrlTemplate edge) {
    String path = edge.path();
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
