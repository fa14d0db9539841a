package stream.terminal.lastmile.core;

/**
 * What a publisher adds to a message it signs: its timestamp, which is part of the signed form and becomes the
 * message's {@code ts}, and the signature (docs/protocol.md, signed messages).
 *
 * @param ts the publisher's timestamp, ms since the epoch
 */
public record Signed(long ts, Signature signature) {}
