package stream.terminal.lastmile.hub;

import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Dialect;
import stream.terminal.lastmile.protobuf.BinaryFrames;
import stream.terminal.lastmile.protocol.TextFrame;
import stream.terminal.lastmile.protocol.json.NativeCodec;
import stream.terminal.lastmile.protocol.legacy.LegacyCodec;

/**
 * A message on its way out of a node: encoded at most once per dialect (and once in binary form for Protobuf
 * subscribers), on first use, then shared by every subscriber on every event loop of the node.
 */
public final class Outbound {
  private final ChannelMessage message;
  private TextFrame nativeFrame;
  private TextFrame legacyFrame;
  private TextFrame binaryFrame;

  public Outbound(ChannelMessage message) {
    this.message = message;
  }

  public ChannelMessage message() {
    return message;
  }

  /** The message's frame in a dialect, shared by every subscriber's write. */
  public synchronized TextFrame frame(Dialect dialect) {
    if (dialect == Dialect.LEGACY) {
      if (legacyFrame == null) {
        legacyFrame = TextFrame.shared(LegacyCodec.INSTANCE.message(message));
      }
      return legacyFrame;
    }
    if (nativeFrame == null) {
      nativeFrame = TextFrame.shared(NativeCodec.INSTANCE.message(message));
    }
    return nativeFrame;
  }

  /** The binary frame of a message published in Protobuf form, shared by its Protobuf-format subscribers. */
  public synchronized TextFrame binaryFrame() {
    if (binaryFrame == null) {
      binaryFrame = BinaryFrames.frame(message, true);
    }
    return binaryFrame;
  }
}
