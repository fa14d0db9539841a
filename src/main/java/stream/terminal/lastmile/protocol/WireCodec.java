package stream.terminal.lastmile.protocol;

import io.vertx.core.json.JsonObject;

/** Turns text frames into commands and server events into text frames, for one dialect. */
public interface WireCodec {
  Dialect dialect();

  /** @throws BadFrameException when the frame is not a valid command of this dialect */
  Command decode(String frame);

  String result(Command command, JsonObject result);

  /** An error reply; {@code command} is null when the frame could not be decoded. */
  String error(String idJson, Command command, GatewayException error);

  String message(ChannelMessage message);

  String disconnect(Disconnect disconnect);
}
