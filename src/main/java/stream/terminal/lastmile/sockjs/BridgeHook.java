package stream.terminal.lastmile.sockjs;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import stream.terminal.lastmile.config.Limits;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.core.ChannelNames;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.Position;
import stream.terminal.lastmile.net.AddressBudget;
import stream.terminal.lastmile.session.ClientSession;
import stream.terminal.lastmile.session.Services;

/**
 * The bridge's event hook, where every client of {@code /eventbus} meets the session core. The bridge parses the
 * dialect and keeps its ping clock; everything a client asks for is decided here.
 *
 * <p>{@code register} subscribes the session to the channel of that name through {@link ClientSession} (the
 * same permission, name rules, limits, resume and replay as a native {@code subscribe}); {@code unregister}
 * unsubscribes; {@code send} and {@code publish} are refused. Those four events are answered here and never
 * completed: an event left undecided makes the bridge do nothing of its own (it registers no event-bus consumer,
 * forwards nothing, and writes no refusal of its own after ours). The bridge's permitted lists are empty besides,
 * so even an event completed by mistake reaches no event-bus address: nothing a public client sends can register
 * on, or send to, the node's (or the cluster's) event bus.
 */
final class BridgeHook implements Handler<BridgeEvent> {
  /** A {@code send} here with {@code {"token": ...}} signs the session on, or refreshes its identity. */
  static final String AUTH_ADDRESS = "last-mile.auth";

  private final Vertx vertx;
  private final ListenerConfig listener;
  private final Limits limits;
  private final Services services;
  private final Map<SockJSSocket, SockJSConnection> connections = new HashMap<>();

  BridgeHook(Vertx vertx, ListenerConfig listener, Services services) {
    this.vertx = vertx;
    this.listener = listener;
    this.limits = listener.limits();
    this.services = services;
  }

  Iterable<SockJSConnection> connections() {
    return connections.values();
  }

  @Override
  public void handle(BridgeEvent event) {
    SockJSSocket socket = event.socket();
    switch (event.type()) {
      case SOCKET_CREATED -> {
        open(socket);
        event.complete(true);
      }
      case SOCKET_PING -> {
        // the bridge client pings every 5 s: like a WebSocket ping, it costs a token
        SockJSConnection connection = connections.get(socket);
        if (connection != null) {
          admit(connection, null);
        }
        event.complete(true);
      }
      case REGISTER -> withConnection(socket, c -> register(c, event.getRawMessage()));
      case UNREGISTER -> withConnection(socket, c -> unregister(c, event.getRawMessage()));
      case SEND -> withConnection(socket, c -> {
        if (AUTH_ADDRESS.equals(event.getRawMessage().getString("address"))) {
          authenticate(c, event.getRawMessage());
        } else {
          refusePublish(c, event.getRawMessage());
        }
      });
      case PUBLISH -> withConnection(socket, c -> refusePublish(c, event.getRawMessage()));
      case SOCKET_CLOSED, SOCKET_ERROR -> {
        closed(socket);
        event.complete(true);
      }
      // no ping for idle_timeout_ms: the bridge closes the socket
      case SOCKET_IDLE -> event.complete(true);
      // the bridge never registers a consumer, so it has nothing to receive or to report registered
      default -> event.complete(false);
    }
  }

  private void open(SockJSSocket socket) {
    SockJSConnection connection = new SockJSConnection(socket, limits.writeQueueBytes());
    // the budget of the address whose request opened the session, set on its TCP connection at accept
    AddressBudget budget = AddressBudget.of(
        ((HttpServerConnection) socket.routingContext().request().connection()).channelHandlerContext().channel());
    connection.session(new ClientSession(vertx, connection, listener, services, budget));
    connections.put(socket, connection);
    services.metrics().connectionOpened(listener.role());
  }

  private void closed(SockJSSocket socket) {
    SockJSConnection connection = connections.remove(socket);
    if (connection != null) {
      connection.session().closed();
      services.metrics().connectionClosed(listener.role());
    }
  }

  private void withConnection(SockJSSocket socket, Consumer<SockJSConnection> action) {
    SockJSConnection connection = connections.get(socket);
    if (connection != null && connection.session().reading()) {
      action.accept(connection);
    }
  }

  /** The rate limit of every transport; a refused frame gets {@code rate_limited}, a flood is dropped. */
  private boolean admit(SockJSConnection connection, String address) {
    ClientSession session = connection.session();
    if (session.takeToken()) {
      return true;
    }
    if (!session.closing()) {
      refuse(connection, address, new GatewayException(ErrorCode.RATE_LIMITED,
          "more than " + limits.commandsPerSecond() + " frames per second"));
    }
    return false;
  }

  private void register(SockJSConnection connection, JsonObject frame) {
    String channel = frame.getString("address");
    if (!admit(connection, channel)) {
      return;
    }
    Position since;
    try {
      since = ResumeHeaders.since(frame.getValue("headers"));
    } catch (GatewayException e) {
      refuse(connection, channel, e);
      return;
    }
    if (connection.lookups >= limits.maxSubscriptions()) {
      refuse(connection, channel, new GatewayException(ErrorCode.RATE_LIMITED,
          "more than " + limits.maxSubscriptions() + " registers awaiting the channel registry"));
      return;
    }
    connection.lookups++;
    connection.session().subscribe(channel, since).onComplete(ar -> {
      connection.lookups--;
      if (ar.failed()) {
        refuse(connection, channel, GatewayException.of(ar.cause()));
        return;
      }
      JsonObject result = ar.result().result();
      if (since != null && !result.getBoolean("recovered", true) && connection.session().hasRoom()) {
        connection.write(BridgeFrames.notRecovered(
            result.getString("channel"), since, result.getString("epoch"), result.getLong("first_available")));
      }
      ar.result().catchUp().run();
    });
  }

  private void unregister(SockJSConnection connection, JsonObject frame) {
    String channel = frame.getString("address");
    if (!admit(connection, channel)) {
      return;
    }
    try {
      connection.session().unsubscribe(ChannelNames.require(channel));
    } catch (GatewayException e) {
      refuse(connection, channel, e);
    }
  }

  /**
   * Signs on or refreshes: the identity's {@code {kind, subject, expires_at}} or the refusal goes to the send's
   * reply address when it has one. Counted with the lookups: it may wait on the issuer's keys.
   */
  private void authenticate(SockJSConnection connection, JsonObject frame) {
    String replyAddress = frame.getValue("replyAddress") instanceof String r ? r : AUTH_ADDRESS;
    if (!admit(connection, replyAddress)) {
      return;
    }
    Object token = frame.getValue("body") instanceof JsonObject body ? body.getValue("token") : null;
    if (!(token instanceof String credential) || credential.isEmpty()) {
      refuse(connection, replyAddress, new GatewayException(ErrorCode.BAD_REQUEST,
          "the body must be {\"token\": string}"));
      return;
    }
    if (connection.lookups >= limits.maxSubscriptions()) {
      refuse(connection, replyAddress, new GatewayException(ErrorCode.RATE_LIMITED,
          "more than " + limits.maxSubscriptions() + " requests awaiting replies"));
      return;
    }
    connection.lookups++;
    connection.session().authenticate(credential).onComplete(ar -> {
      connection.lookups--;
      if (ar.failed()) {
        refuse(connection, replyAddress, GatewayException.of(ar.cause()));
      } else if (connection.session().hasRoom()) {
        connection.write(BridgeFrames.reply(replyAddress, ar.result().describe()));
      }
    });
  }

  /** Edges never grant publish: the refusal goes to the send's reply handler when it has one. */
  private void refusePublish(SockJSConnection connection, JsonObject frame) {
    String replyAddress = frame.getValue("replyAddress") instanceof String r ? r : null;
    String address = replyAddress != null ? replyAddress : frame.getString("address");
    if (admit(connection, address)) {
      refuse(connection, address, new GatewayException(ErrorCode.PERMISSION_DENIED,
          "edge listeners never grant send or publish"));
    }
  }

  private void refuse(SockJSConnection connection, String address, GatewayException error) {
    services.metrics().error(error.code());
    if (connection.session().hasRoom()) {
      connection.write(BridgeFrames.error(address, error.code(), error.getMessage()));
    }
  }

  /** The node is stopping: every session stops reading and gets its close (4000). */
  void drain() {
    connections.values().forEach(c -> c.session().drain());
  }

  /** Drops the sessions whose outbound bytes stayed past the bound for max_unwritable_ms. */
  void sweep(long nowMs) {
    for (SockJSConnection connection : connections.values().toArray(SockJSConnection[]::new)) {
      if (connection.unwritableMs(nowMs) > limits.maxUnwritableMs()) {
        connection.session().disconnect(Disconnect.SLOW_CONSUMER);
      }
    }
  }
}
