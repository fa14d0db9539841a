package stream.terminal.lastmile.core;

/**
 * One published message as it travels the event bus: immutable, shared by every subscriber of a node.
 * {@code data} is compact JSON text; {@code ts} is the publish time in ms since the epoch.
 */
public record ChannelMessage(String channel, String epoch, long offset, long ts, String data) {}
