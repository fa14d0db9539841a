package stream.terminal.lastmile.sdk;

import java.util.List;

/**
 * One page of a channel's backlog: the channel's epoch and last offset, the oldest offset still stored, and the
 * messages after the offset asked for, oldest first. A page with fewer messages than asked is not the end: read on
 * after the last one until a page is empty or ends at {@code offset}.
 */
public record History(String channel, String epoch, long offset, long firstAvailable, List<Received> messages) {}
