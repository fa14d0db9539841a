package stream.terminal.lastmile.cluster;

import java.io.Serializable;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Signature;

/**
 * An unsigned stored message ({@link Stored}); its class and fields are the Java-serialized form earlier versions
 * wrote into ringbuffers: keep them.
 */
record StoredMessage(long ts, String data) implements Stored, Serializable {
  @Override
  public Signature signature() {
    return null;
  }

  @Override
  public ProtoPayload proto() {
    return null;
  }
}
