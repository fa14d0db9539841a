package stream.terminal.lastmile.hub;

import io.vertx.core.buffer.Buffer;
import stream.terminal.lastmile.protocol.ChannelMessage;
import stream.terminal.lastmile.protocol.Dialect;
import stream.terminal.lastmile.protocol.json.NativeCodec;
import stream.terminal.lastmile.protocol.legacy.LegacyCodec;

/**
 * A message on its way out of a node: encoded at most once per dialect, on first use, then shared by every
 * subscriber on every event loop of the node.
 */
public final class Outbound {
  private final ChannelMessage message;
  private Buffer nativeFrame;
  private Buffer legacyFrame;

  public Outbound(ChannelMessage message) {
    this.message = message;
  }

  public ChannelMessage message() {
    return message;
  }

  /** The message's frame in a dialect, as UTF-8 bytes that every subscriber's write shares (never modify it). */
  public synchronized Buffer frame(Dialect dialect) {
    if (dialect == Dialect.LEGACY) {
      if (legacyFrame == null) {
        legacyFrame = Buffer.buffer(LegacyCodec.INSTANCE.message(message));
      }
      return legacyFrame;
    }
    if (nativeFrame == null) {
      nativeFrame = Buffer.buffer(NativeCodec.INSTANCE.message(message));
    }
    return nativeFrame;
  }
}
