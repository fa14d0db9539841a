package stream.terminal.lastmile.core;

/**
 * One published message as it travels the event bus: immutable, shared by every subscriber of a node.
 * {@code data} is compact JSON text; {@code ts} is the publish time in ms since the epoch (the publisher's own for
 * a signed message, since it is part of what was signed).
 *
 * @param signature the publisher's end-to-end signature, or null for an unsigned message (so that one costs no
 *     more than before signatures existed)
 */
public record ChannelMessage(String channel, String epoch, long offset, long ts, String data, Signature signature) {
  /** An unsigned message. */
  public ChannelMessage(String channel, String epoch, long offset, long ts, String data) {
    this(channel, epoch, offset, ts, data, null);
  }

  /** The characters the signature adds to the message (its kid and sig), 0 for an unsigned one. */
  public int signatureLength() {
    return signature == null ? 0 : signature.kid().length() + signature.sig().length();
  }
}
