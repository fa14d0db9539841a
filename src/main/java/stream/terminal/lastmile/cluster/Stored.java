package stream.terminal.lastmile.cluster;

import stream.terminal.lastmile.core.Signature;

/**
 * A message as a channel's ringbuffer keeps it: its offset is its position in the ringbuffer, plus one. Unsigned
 * and signed messages are two records so that an unsigned one is stored exactly as before signatures existed
 * (same class, same bytes: not one byte more per message, and nodes of either version read it); only a signed
 * message pays for its kid and sig.
 */
sealed interface Stored permits StoredMessage, SignedStoredMessage {
  long ts();

  String data();

  /** Null for an unsigned message. */
  Signature signature();

  static Stored of(long ts, String data, Signature signature) {
    return signature == null
        ? new StoredMessage(ts, data)
        : new SignedStoredMessage(ts, data, signature.kid(), signature.sig());
  }
}
