package stream.terminal.lastmile.core;

/**
 * What a publish did: the message stored (and delivered), or, for a repeated idempotency key, the first
 * publish's position ({@code message} then carries that epoch and offset with the repeat's own data).
 */
public record Published(ChannelMessage message, boolean duplicate) {
  public static Published stored(ChannelMessage message) {
    return new Published(message, false);
  }
}
