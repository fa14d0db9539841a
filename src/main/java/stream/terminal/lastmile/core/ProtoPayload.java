package stream.terminal.lastmile.core;

import java.util.Arrays;

/**
 * A message's Protobuf form as its publisher sent it (a {@code google.protobuf.Any}): kept and forwarded with the
 * message, next to its JSON mapping in {@link ChannelMessage#data()}, for subscribers that ask for the binary form
 * (docs/protocol.md, Protobuf payloads). The array is never changed once the payload is built: every subscriber
 * and every copy of the message shares it.
 *
 * @param typeUrl the type's URL, {@code type.googleapis.com/pkg.Type}
 * @param value the serialized message
 */
public record ProtoPayload(String typeUrl, byte[] value) {
  @Override
  public boolean equals(Object o) {
    return o instanceof ProtoPayload p && typeUrl.equals(p.typeUrl) && Arrays.equals(value, p.value);
  }

  @Override
  public int hashCode() {
    return 31 * typeUrl.hashCode() + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "ProtoPayload[" + typeUrl + ", " + value.length + " bytes]";
  }
}
