package stream.terminal.lastmile.config;

import java.util.List;
import java.util.Set;

/**
 * A node's whole configuration, validated.
 *
 * @param roles the roles this node runs; listeners of other roles are not opened
 * @param edgeInstances edge verticle instances (one event loop each)
 * @param ingestInstances ingest verticle instances
 * @param maxChannels channels that may exist at once
 * @param declaredChannels channels created at startup
 * @param shutdownGraceMs how long a stopping node waits for clients to take their disconnect notice
 * @param metricsEnabled whether {@code /metrics} is served
 * @param cluster how the node joins a cluster, or {@link ClusterConfig#DISABLED}
 * @param channelPolicies backlog and creation rules by channel pattern
 * @param historyMaxPage the most messages one history request returns
 * @param channelBounds what the node's channels may hold: backlog budget, expiry sweep, idle eviction
 * @param drainDelayMs how long a stopping node answers not ready while still serving, before its listeners stop
 *     accepting: the time a load balancer needs to notice and send new clients elsewhere
 * @param identity OIDC sign-on, publisher keys and message signatures, or {@link IdentityConfig#NONE}
 * @param protobuf the Protobuf types whose payloads are mapped to JSON, or {@link ProtobufConfig#NONE}
 * @param warmup the self warm-up before the node reports ready, or {@link WarmupConfig#DISABLED}
 */
public record GatewayConfig(
    Set<Role> roles,
    int edgeInstances,
    int ingestInstances,
    List<ListenerConfig> listeners,
    int maxChannels,
    List<String> declaredChannels,
    int shutdownGraceMs,
    boolean metricsEnabled,
    ClusterConfig cluster,
    ChannelPolicies channelPolicies,
    int historyMaxPage,
    ChannelBounds channelBounds,
    int drainDelayMs,
    IdentityConfig identity,
    ProtobufConfig protobuf,
    WarmupConfig warmup) {

  /** The listeners of a role this node opens: ops listeners always, the others when the node runs their role. */
  public List<ListenerConfig> listeners(Role role) {
    return listeners.stream().filter(l -> l.role() == role && (role == Role.OPS || roles.contains(role))).toList();
  }

  /** Every listener this node opens. */
  public List<ListenerConfig> openedListeners() {
    return listeners.stream().filter(l -> l.role() == Role.OPS || roles.contains(l.role())).toList();
  }
}
