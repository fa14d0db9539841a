package stream.terminal.lastmile.cluster;

import java.io.Serializable;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Signature;

/**
 * A signed stored message ({@link Stored}). Its kid and sig are kept as two strings rather than a nested
 * {@link Signature}, which would add a second class descriptor to every serialized item.
 */
record SignedStoredMessage(long ts, String data, String kid, String sig) implements Stored, Serializable {
  @Override
  public Signature signature() {
    return new Signature(kid, sig);
  }

  @Override
  public ProtoPayload proto() {
    return null;
  }
}
