package stream.terminal.lastmile.channel;

import java.util.List;
import stream.terminal.lastmile.protocol.ChannelMessage;

/**
 * Part of a channel's stored history, oldest first.
 *
 * @param firstAvailable the offset of the oldest message still stored ({@code lastOffset + 1} when none is)
 * @param lastOffset the offset of the channel's latest message (0 before the first)
 */
public record BacklogPage(String epoch, long firstAvailable, long lastOffset, List<ChannelMessage> messages) {}
