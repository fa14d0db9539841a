package stream.terminal.lastmile.cluster;

import java.io.Serializable;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Signature;

/**
 * A message published in Protobuf form ({@link Stored}): its JSON mapping and the binary form it came in. The type
 * URL and bytes are kept as a string and a {@code byte[]} rather than a nested {@link ProtoPayload}, which would
 * add a second class descriptor to every serialized item; a primitive array passes the deserialization filter
 * (it instantiates nothing).
 */
record ProtoStoredMessage(long ts, String data, String typeUrl, byte[] value) implements Stored, Serializable {
  @Override
  public Signature signature() {
    return null;
  }

  @Override
  public ProtoPayload proto() {
    return new ProtoPayload(typeUrl, value);
  }
}
