package stream.terminal.lastmile.cluster;

import java.io.Serializable;
import stream.terminal.lastmile.core.Signature;

/**
 * A message as a channel's ringbuffer keeps it: its offset is its position in the ringbuffer, plus one.
 *
 * <p>The signature is kept as two nullable strings rather than a nested object: an unsigned message serializes
 * two null markers, a signed one no second class descriptor. Java serialization matches a record's fields by
 * name and ignores a record's serialVersionUID, so a node of an earlier version reads this form (dropping kid and
 * sig) and this version reads the earlier one (kid and sig null: unsigned).
 *
 * @param kid the signing key's id, or null for an unsigned message (and then {@code sig} is null too)
 */
record StoredMessage(long ts, String data, String kid, String sig) implements Serializable {
  static StoredMessage of(long ts, String data, Signature signature) {
    return signature == null
        ? new StoredMessage(ts, data, null, null)
        : new StoredMessage(ts, data, signature.kid(), signature.sig());
  }

  /** The signature, or null when the message is unsigned (or was stored by a node that drops signatures). */
  Signature signature() {
    return kid == null || sig == null ? null : new Signature(kid, sig);
  }
}
