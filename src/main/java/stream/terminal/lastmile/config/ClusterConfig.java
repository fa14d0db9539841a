package stream.terminal.lastmile.config;

import java.util.List;

/**
 * How a node joins a cluster (docs/operations.md).
 *
 * @param enabled false runs the embedded node: a local event bus, no Hazelcast
 * @param name the cluster name: nodes with another name never join this cluster
 * @param host the address Hazelcast and the event bus bind; always named by the operator, never guessed
 * @param publicHost the address other nodes reach this one at (containers, NAT); null means {@code host}
 * @param port the Hazelcast member port
 * @param members the TCP-IP member list; a {@code host} without port is tried at this node's own port. Empty
 *     (only with a {@code hazelcastConfig}) keeps that file's join method: multicast, Kubernetes, ...
 * @param eventBusPort the event-bus port (0 picks a free one; it is announced through Hazelcast)
 * @param hazelcastConfig a Hazelcast XML file to start from (conf/cluster.xml), or null for the one Vert.x
 *     ships (default-cluster.xml), to which the channel map is added
 * @param joinWaitSeconds how long a starting member waits for others before it forms a cluster alone
 * @param tls mutual TLS on the event bus, or null for plain TCP (Hazelcast's own port has no TLS either way)
 * @param minMembers how many members a node must see (recently heard from) to create channels and take
 *     publishes: with fewer it is in a minority of a split and refuses them (docs/operations.md, "Consistency")
 */
public record ClusterConfig(
    boolean enabled,
    String name,
    String host,
    String publicHost,
    int port,
    List<String> members,
    int eventBusPort,
    String hazelcastConfig,
    int joinWaitSeconds,
    ClusterTls tls,
    int minMembers) {

  public static final ClusterConfig DISABLED =
      new ClusterConfig(false, "last-mile", "127.0.0.1", null, 5701, List.of("127.0.0.1"), 0, null, 5, null);

  /** A configuration with {@link #defaultMinMembers} for its member list. */
  public ClusterConfig(boolean enabled, String name, String host, String publicHost, int port, List<String> members,
      int eventBusPort, String hazelcastConfig, int joinWaitSeconds, ClusterTls tls) {
    this(enabled, name, host, publicHost, port, members, eventBusPort, hazelcastConfig, joinWaitSeconds, tls,
        defaultMinMembers(members));
  }

  /**
   * A majority of the member list when it names three members or more: of two sides of a split at most one
   * has a majority, so only one side acknowledges, and a 3-node cluster keeps publishing with 2. A list of one
   * or two (or none: multicast, Kubernetes) says nothing about the cluster's size, and 2 of 2 would stop
   * every publish when either node stops: 1, as before.
   */
  public static int defaultMinMembers(List<String> members) {
    return members.size() >= 3 ? members.size() / 2 + 1 : 1;
  }

  public String announcedHost() {
    return publicHost == null ? host : publicHost;
  }
}
