package stream.terminal.lastmile.channel;

/** A channel with the offset of its last message (0 before the first). */
public record ChannelInfo(Channel channel, long lastOffset) {}
