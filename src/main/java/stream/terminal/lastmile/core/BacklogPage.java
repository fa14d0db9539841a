package stream.terminal.lastmile.core;

import java.util.List;

/**
 * Part of a channel's stored history, oldest first.
 *
 * @param firstAvailable the offset of the oldest message still stored ({@code lastOffset + 1} when none is)
 * @param lastOffset the offset of the channel's latest message (0 before the first)
 */
public record BacklogPage(String epoch, long firstAvailable, long lastOffset, List<ChannelMessage> messages) {
  /** What a message frame adds to its data and channel name: the other fields, their names and quotes. */
  private static final int FRAME_OVERHEAD = 96;

  /**
   * This page cut before the first message that would take it past {@code maxBytes} of message frames, keeping
   * at least one so a reader always progresses. Without it, one history request or replay read of a channel of
   * large messages (1000 of 64 KiB) would queue far more than the connection's outbound bound in one go. The
   * page still says the channel's latest offset, so the reader sees that more follows.
   */
  public BacklogPage limitBytes(long maxBytes) {
    long bytes = 0;
    for (int i = 0; i < messages.size(); i++) {
      bytes += frameBytes(messages.get(i));
      if (bytes > maxBytes && i > 0) {
        return new BacklogPage(epoch, firstAvailable, lastOffset, List.copyOf(messages.subList(0, i)));
      }
    }
    return this;
  }

  /** About the size of a message's frame, in bytes. */
  private static long frameBytes(ChannelMessage message) {
    // kid and sig are ASCII (checked when published): one byte per character
    return (long) Utf8.length(message.data()) + Utf8.length(message.channel()) + message.signatureLength()
        + FRAME_OVERHEAD;
  }
}
