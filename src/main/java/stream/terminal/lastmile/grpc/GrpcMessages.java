package stream.terminal.lastmile.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import stream.terminal.lastmile.core.BacklogPage;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Published;
import stream.terminal.lastmile.grpc.v1.ChannelPosition;
import stream.terminal.lastmile.grpc.v1.HistoryPage;
import stream.terminal.lastmile.grpc.v1.Message;
import stream.terminal.lastmile.grpc.v1.PublishAck;

/** The gateway's messages and positions in their lastmile.v1 form. */
final class GrpcMessages {
  private GrpcMessages() {}

  static Message message(ChannelMessage m, boolean gap) {
    Message.Builder b = Message.newBuilder()
        .setChannel(m.channel())
        .setEpoch(m.epoch())
        .setOffset(m.offset())
        .setTs(m.ts())
        .setJson(m.data())
        .setGap(gap);
    if (m.signature() != null) {
      b.setKid(m.signature().kid()).setSig(m.signature().sig());
    }
    if (m.proto() != null) {
      // internal consumers get a Protobuf payload as it was published, beside its JSON mapping
      b.setAny(Any.newBuilder().setTypeUrl(m.proto().typeUrl()).setValue(ByteString.copyFrom(m.proto().value())));
    }
    return b.build();
  }

  static ChannelPosition position(String channel, String epoch, long offset) {
    return ChannelPosition.newBuilder().setChannel(channel).setEpoch(epoch).setOffset(offset).build();
  }

  static PublishAck stored(long sequence, Published published) {
    ChannelMessage m = published.message();
    return PublishAck.newBuilder().setSequence(sequence).setStored(position(m.channel(), m.epoch(), m.offset()))
        .setDuplicate(published.duplicate()).build();
  }

  static HistoryPage page(String channel, BacklogPage page) {
    HistoryPage.Builder b = HistoryPage.newBuilder()
        .setChannel(channel)
        .setEpoch(page.epoch())
        .setOffset(page.lastOffset())
        .setFirstAvailable(page.firstAvailable());
    page.messages().forEach(m -> b.addMessages(message(m, false)));
    return b.build();
  }
}
