package stream.terminal.lastmile.core;

/**
 * A message's end-to-end signature, stored and forwarded with it (docs/protocol.md, signed messages).
 *
 * @param kid the id of the whitelisted public key that signed it
 * @param sig the signature, base64url without padding
 */
public record Signature(String kid, String sig) {}
