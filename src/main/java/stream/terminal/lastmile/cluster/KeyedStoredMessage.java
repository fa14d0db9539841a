package stream.terminal.lastmile.cluster;

import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Signature;

/**
 * A stored message with its publisher's idempotency key: in the backlog beside the message, so a claim left in
 * doubt by a node that died while storing is settled by looking for the key ({@link KeyClaims}). Only keyed
 * publishes pay for it. Written by {@link StoredSerializer} only (a flag on the variant byte); never Java-serialized.
 */
record KeyedStoredMessage(Stored message, String key) implements Stored {
  @Override
  public long ts() {
    return message.ts();
  }

  @Override
  public String data() {
    return message.data();
  }

  @Override
  public Signature signature() {
    return message.signature();
  }

  @Override
  public ProtoPayload proto() {
    return message.proto();
  }
}
