package stream.terminal.lastmile.sdk;

/** Where a message was stored: its channel, the channel's epoch and the message's offset. */
public record Stored(String channel, String epoch, long offset) {}
