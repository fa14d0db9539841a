package stream.terminal.lastmile.net;

import io.netty.channel.Channel;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.impl.ConnectionBase;
import java.net.InetSocketAddress;
import stream.terminal.lastmile.config.Limits;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.metrics.GatewayMetrics;
import stream.terminal.lastmile.net.ConnectionGate.Admission;

/**
 * What happens to every TCP connection of a listener as it is accepted, before any byte of it is read: the
 * {@link ConnectionGate} admits or closes it, and an admitted one gets the {@link RequestDeadlines} and, where
 * the listener has per-address budgets, its address's {@link AddressBudget} and a {@link ReadThrottle}. A
 * refused client sees its connection closed without a response.
 */
public final class ListenerGuard {
  private final ListenerConfig listener;
  private final ConnectionGate gate;
  private final GatewayMetrics metrics;

  private ListenerGuard(ListenerConfig listener, ConnectionGate gate, GatewayMetrics metrics) {
    this.listener = listener;
    this.gate = gate;
    this.metrics = metrics;
  }

  /** Guards every connection {@code server} accepts; {@code gate} is the listener's, shared by its servers. */
  public static void install(HttpServer server, ListenerConfig listener, ConnectionGate gate, GatewayMetrics metrics) {
    server.connectionHandler(new ListenerGuard(listener, gate, metrics)::accepted);
  }

  private void accepted(HttpConnection connection) {
    // Vert.x's public API has no hook closer to the accept, nor one that sees every close: the Netty channel
    // gives both (its close future completes exactly once, on every close path, WebSocket upgrade or not)
    Channel channel = ((ConnectionBase) connection).channel();
    String address = ConnectionGate.client(((InetSocketAddress) channel.remoteAddress()).getAddress());
    Admission admission = gate.admit(address);
    if (admission != Admission.ADMITTED) {
      metrics.refused(listener.role(), admission.wire());
      channel.close();
      return;
    }
    channel.closeFuture().addListener(f -> gate.release(address));
    Limits limits = listener.limits();
    if (limits.perIp().throttlesReading()) {
      AddressBudget budget = gate.budget(address);
      channel.attr(AddressBudget.KEY).set(budget);
      channel.pipeline().addFirst(new ReadThrottle(budget, work -> metrics.throttled(listener.role(), work.wire())));
    }
    RequestDeadlines.install(channel.pipeline(), limits.handshakeTimeoutMs(), limits.keepAliveTimeoutMs(),
        timeout -> metrics.timedOut(listener.role(), timeout.wire));
  }
}
