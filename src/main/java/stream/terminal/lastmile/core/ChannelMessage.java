package stream.terminal.lastmile.core;

/**
 * One published message as it travels the event bus: immutable, shared by every subscriber of a node.
 * {@code data} is compact JSON text; {@code ts} is the publish time in ms since the epoch (the publisher's own for
 * a signed message, since it is part of what was signed).
 *
 * @param signature the publisher's end-to-end signature, or null for an unsigned message (so that one costs no
 *     more than before signatures existed)
 * @param proto the Protobuf form it was published in, whose JSON mapping is {@code data}; null for a message
 *     published as JSON (which costs nothing more for it). Never set together with a signature: signatures cover
 *     JSON payloads only
 */
public record ChannelMessage(
    String channel, String epoch, long offset, long ts, String data, Signature signature, ProtoPayload proto) {
  /** An unsigned JSON message. */
  public ChannelMessage(String channel, String epoch, long offset, long ts, String data) {
    this(channel, epoch, offset, ts, data, null, null);
  }

  /** A JSON message, signed or not. */
  public ChannelMessage(String channel, String epoch, long offset, long ts, String data, Signature signature) {
    this(channel, epoch, offset, ts, data, signature, null);
  }

  /** The characters the signature adds to the message (its kid and sig), 0 for an unsigned one. */
  public int signatureLength() {
    return signature == null ? 0 : signature.kid().length() + signature.sig().length();
  }
}
