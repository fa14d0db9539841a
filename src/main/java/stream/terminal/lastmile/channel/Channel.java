package stream.terminal.lastmile.channel;

/** A channel's identity: its name and the epoch fixed when it was created. */
public record Channel(String name, String epoch, long createdAt) {}
