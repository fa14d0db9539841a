package stream.terminal.lastmile.config;

/**
 * What the channels of one node may hold, so neither many channels nor channels nobody reads can grow a node
 * without bound (docs/configuration.md, "channels").
 *
 * @param backlogMaxBytes the embedded registry's budget for all backlogs of the node; past it the oldest messages
 *     of the largest backlogs are dropped first
 * @param sweepIntervalMs how often expired backlog messages are dropped and idle channels looked for, so the
 *     backlog TTL holds for channels nobody touches
 * @param idleEvictSeconds a channel with an empty backlog, no subscriber on the node and no publish for this long
 *     is removed (declared channels never are); 0 keeps every channel
 */
public record ChannelBounds(long backlogMaxBytes, int sweepIntervalMs, int idleEvictSeconds) {
  public static final ChannelBounds DEFAULTS = new ChannelBounds(256L * 1024 * 1024, 10_000, 86_400);

  /** No budget, no eviction: for registries built outside a node (tests, tools). */
  public static final ChannelBounds NONE = new ChannelBounds(Long.MAX_VALUE, 10_000, 0);
}
