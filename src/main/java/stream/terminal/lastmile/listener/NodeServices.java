package stream.terminal.lastmile.listener;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import java.util.Map;
import stream.terminal.lastmile.channel.ChannelRegistry;
import stream.terminal.lastmile.channel.Publisher;
import stream.terminal.lastmile.config.GatewayConfig;
import stream.terminal.lastmile.hub.SubscriptionHub;
import stream.terminal.lastmile.identity.IdentityServices;
import stream.terminal.lastmile.metrics.GatewayMetrics;
import stream.terminal.lastmile.net.ConnectionGate;
import stream.terminal.lastmile.session.Services;
import stream.terminal.lastmile.session.SessionDirectory;

/**
 * What every verticle of a node shares: the channel registry and publisher, the subscription hub, the meters,
 * the per-listener connection gates (one listener is served by several event loops), the ports listeners
 * actually bound, and the readiness flag.
 *
 * @param prometheus the registry {@code /metrics} scrapes, or null when metrics are off
 */
public record NodeServices(
    GatewayConfig config,
    ChannelRegistry registry,
    Publisher publisher,
    SubscriptionHub hub,
    GatewayMetrics metrics,
    IdentityServices identity,
    SessionDirectory directory,
    PrometheusMeterRegistry prometheus,
    Map<String, ConnectionGate> gates,
    Map<String, Integer> ports,
    Readiness ready) {

  /** Records the port a listener bound (the first instance to bind wins; the others share it). */
  void bound(String listener, int port) {
    ports.putIfAbsent(listener, port);
  }

  /** The per-event-loop view a session works with. */
  public Services forLoop(Context context) {
    return new Services(registry, publisher, hub.fanout(context), metrics, identity, directory, config.historyMaxPage());
  }
}
