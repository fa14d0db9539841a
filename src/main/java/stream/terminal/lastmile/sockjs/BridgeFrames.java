package stream.terminal.lastmile.sockjs;

import io.vertx.core.json.JsonObject;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.Position;
import stream.terminal.lastmile.core.Signature;
import stream.terminal.lastmile.protocol.Json;

/**
 * The frames of the Vert.x event-bus bridge dialect this transport writes: {@code rec} for a channel's messages,
 * {@code err} for refusals and for a resume that could not recover. Headers are strings, as every event-bus
 * header is.
 */
final class BridgeFrames {
  /** The {@code failureType} of the {@code err} that says a resume lost messages. */
  static final String NOT_RECOVERED = "not_recovered";

  private BridgeFrames() {}

  /**
   * A message: {@code body} is its {@code data}; {@code headers} carry its channel, epoch, offset and ts, and a
   * signed message's kid and sig.
   */
  static String rec(ChannelMessage message) {
    String channel = Json.quote(message.channel());
    Signature signature = message.signature();
    return "{\"type\":\"rec\",\"address\":" + channel
        + ",\"headers\":{\"channel\":" + channel
        + ",\"epoch\":" + Json.quote(message.epoch())
        + ",\"offset\":\"" + message.offset()
        + "\",\"ts\":\"" + message.ts() + "\""
        + (signature == null ? ""
            : ",\"kid\":" + Json.quote(signature.kid()) + ",\"sig\":" + Json.quote(signature.sig()))
        + "},\"body\":" + message.data() + "}";
  }

  /**
   * A refusal. With an address (the channel of a register, the reply address of a send), the bridge client
   * hands it to that address's handler as {@code {failureCode, failureType, message}}; without, to
   * {@code onerror}. {@code failureType} is the error code, {@code failureCode} its HTTP status.
   */
  static String error(String address, ErrorCode code, String message) {
    return "{\"type\":\"err\"" + (address == null ? "" : ",\"address\":" + Json.quote(address))
        + ",\"failureCode\":" + code.httpStatus()
        + ",\"failureType\":\"" + code.wire()
        + "\",\"message\":" + Json.quote(message) + "}";
  }

  /**
   * A resume whose messages after {@code since} are no longer all stored (trimmed, or the channel has another
   * epoch now): the registration stands; delivery goes on from the oldest message still stored (same epoch) or
   * from the next new one (another epoch).
   */
  static String notRecovered(String channel, Position since, String epoch, long firstAvailable) {
    return "{\"type\":\"err\",\"address\":" + Json.quote(channel)
        + ",\"failureCode\":410,\"failureType\":\"" + NOT_RECOVERED
        + "\",\"message\":" + Json.quote("messages after " + since.epoch() + ":" + since.offset()
            + " are no longer stored; the oldest stored is " + epoch + ":" + firstAvailable)
        + ",\"epoch\":" + Json.quote(epoch)
        + ",\"first_available\":" + firstAvailable + "}";
  }

  /** The answer to a {@code send} that asked for one: {@code body} at the client's reply address. */
  static String reply(String replyAddress, JsonObject body) {
    return "{\"type\":\"rec\",\"address\":" + Json.quote(replyAddress) + ",\"body\":" + body.encode() + "}";
  }
}
