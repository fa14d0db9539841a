package stream.terminal.lastmile.cluster;

import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Signature;

/**
 * A message as a channel's ringbuffer keeps it: its offset is its position in the ringbuffer, plus one. Unsigned,
 * signed and Protobuf messages are three records: only a signed message pays for its kid and sig, only a Protobuf
 * one for its binary form. Members write them with {@link StoredSerializer}; the records stay Java-serializable
 * (their class names and fields unchanged) so that items written by earlier versions still read.
 */
sealed interface Stored permits StoredMessage, SignedStoredMessage, ProtoStoredMessage, KeyedStoredMessage {
  long ts();

  String data();

  /** Null for an unsigned message. */
  Signature signature();

  /** Null for a message published as JSON. */
  ProtoPayload proto();

  /** The publisher's idempotency key, or null: a signature's implicit key is not stored (the signature is). */
  default String key() {
    return null;
  }

  /** A message with its publisher's idempotency key (null: none). */
  static Stored of(long ts, String data, Signature signature, ProtoPayload proto, String key) {
    Stored message = of(ts, data, signature, proto);
    return key == null ? message : new KeyedStoredMessage(message, key);
  }

  /** @throws IllegalArgumentException for a signed Protobuf message: signatures cover JSON payloads only */
  static Stored of(long ts, String data, Signature signature, ProtoPayload proto) {
    if (proto != null) {
      if (signature != null) {
        throw new IllegalArgumentException("a Protobuf message cannot be signed");
      }
      return new ProtoStoredMessage(ts, data, proto.typeUrl(), proto.value());
    }
    return signature == null
        ? new StoredMessage(ts, data)
        : new SignedStoredMessage(ts, data, signature.kid(), signature.sig());
  }
}
