package stream.terminal.lastmile.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import stream.terminal.lastmile.core.BacklogPage;
import stream.terminal.lastmile.core.BadFrameException;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Dialect;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;

/** Turns text frames into commands and server events into text frames, for one dialect. */
public interface WireCodec {
  Dialect dialect();

  /** @throws BadFrameException when the parsed frame is not a valid command of this dialect */
  Command decode(JsonNode frame);

  /** @throws BadFrameException when the frame is not JSON or not a valid command of this dialect */
  default Command decode(String frame) {
    JsonNode node = Json.parse(frame);
    if (node == null) {
      throw new BadFrameException(ErrorCode.BAD_REQUEST, "frame is not valid JSON", null);
    }
    return decode(node);
  }

  String result(Command command, JsonObject result);

  /** The reply to {@code history}: the page's position and its messages, each as a message frame. */
  String history(Command.History command, BacklogPage page);

  /** An error reply; {@code command} is null when the frame could not be decoded. */
  String error(String idJson, Command command, GatewayException error);

  String message(ChannelMessage message);

  String disconnect(Disconnect disconnect);
}
