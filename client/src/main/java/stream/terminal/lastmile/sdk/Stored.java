package stream.terminal.lastmile.sdk;

/**
 * Where a message was stored: its channel, the channel's epoch and the message's offset. {@code duplicate}: an
 * earlier publish with the same idempotency key stored it there (a retry whose first attempt had landed); success
 * all the same.
 */
public record Stored(String channel, String epoch, long offset, boolean duplicate) {
  public Stored(String channel, String epoch, long offset) {
    this(channel, epoch, offset, false);
  }
}
