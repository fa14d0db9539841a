package stream.terminal.lastmile.sdk;

/** A channel and its position: its epoch and its last offset (0 before the first message). */
public record ChannelState(String channel, String epoch, long offset) {}
