package stream.terminal.lastmile.launcher;

import io.vertx.core.json.Json;
import stream.terminal.lastmile.sdk.ChannelState;
import stream.terminal.lastmile.sdk.Received;
import stream.terminal.lastmile.sdk.Stored;

/** The one-line JSON the client commands print, one per message or channel, for jq and scripts. */
final class MessageLines {
  private MessageLines() {}

  /** A message as in a message frame (docs/protocol.md 2.5), without {@code type}: the data verbatim. */
  static String of(Received m) {
    StringBuilder line = new StringBuilder(96 + m.json().length())
        .append("{\"channel\":").append(Json.encode(m.channel()))
        .append(",\"epoch\":").append(Json.encode(m.epoch()))
        .append(",\"offset\":").append(m.offset())
        .append(",\"data\":").append(m.json());
    if (m.kid() != null) {
      line.append(",\"kid\":").append(Json.encode(m.kid())).append(",\"sig\":").append(Json.encode(m.sig()));
    }
    return line.append(",\"ts\":").append(m.ts()).append('}').toString();
  }

  static String of(ChannelState c) {
    return position(c.channel(), c.epoch(), c.offset());
  }

  /** Where a publish was stored; {@code "duplicate":true} when an earlier attempt with its key stored it. */
  static String of(Stored s) {
    String position = position(s.channel(), s.epoch(), s.offset());
    return s.duplicate() ? position.substring(0, position.length() - 1) + ",\"duplicate\":true}" : position;
  }

  private static String position(String channel, String epoch, long offset) {
    return "{\"channel\":" + Json.encode(channel) + ",\"epoch\":" + Json.encode(epoch) + ",\"offset\":" + offset + "}";
  }
}
