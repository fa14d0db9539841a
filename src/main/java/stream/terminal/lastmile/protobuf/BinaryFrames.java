package stream.terminal.lastmile.protobuf;

import com.google.protobuf.Any;
import com.google.protobuf.UnsafeByteOperations;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.grpc.v1.Message;
import stream.terminal.lastmile.protocol.TextFrame;

/**
 * The binary WebSocket frame of a message published in Protobuf form, for subscribers of the {@code protobuf}
 * format (docs/protocol.md 2.5): a serialized {@code lastmile.v1.Message}, the message the gRPC API streams, with
 * the payload in {@code any} as it was published and no {@code json}.
 */
public final class BinaryFrames {
  private BinaryFrames() {}

  /** The message as {@code lastmile.v1.Message}; {@code message.proto()} must be set. */
  public static Message encode(ChannelMessage message) {
    Message.Builder out = Message.newBuilder()
        .setChannel(message.channel())
        .setEpoch(message.epoch())
        .setOffset(message.offset())
        .setTs(message.ts())
        // the payload's array is never changed once built: no copy
        .setAny(Any.newBuilder().setTypeUrl(message.proto().typeUrl())
            .setValue(UnsafeByteOperations.unsafeWrap(message.proto().value())));
    if (message.signature() != null) {
      out.setKid(message.signature().kid()).setSig(message.signature().sig());
    }
    return out.build();
  }

  /** @param shared whether the frame goes to many subscribers (see {@link TextFrame#shared}) */
  public static TextFrame frame(ChannelMessage message, boolean shared) {
    return TextFrame.binary(encode(message).toByteArray(), shared);
  }
}
