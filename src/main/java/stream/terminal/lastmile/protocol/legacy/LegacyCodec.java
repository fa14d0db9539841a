package stream.terminal.lastmile.protocol.legacy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import stream.terminal.lastmile.core.BacklogPage;
import stream.terminal.lastmile.core.BadFrameException;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.protocol.Command;
import stream.terminal.lastmile.core.Dialect;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.protocol.Json;
import stream.terminal.lastmile.protocol.WireCodec;

/**
 * TSLM's enum-shaped dialect: {@code {"Subscribe":"c"}}, {@code {"NotifyChannel":["c",{"Text":"hi"}]}} in,
 * {@code {"Success":"..."}}, {@code {"Error":"..."}}, {@code {"ChannelMessage":["c",{"Json":{...}}]}} out.
 * A {@code Text} payload is a JSON string in the native dialect and any other {@code Json} value stays as it is,
 * so messages cross dialects both ways.
 */
public final class LegacyCodec implements WireCodec {
  public static final LegacyCodec INSTANCE = new LegacyCodec();

  private LegacyCodec() {}

  @Override
  public Dialect dialect() {
    return Dialect.LEGACY;
  }

  /** True when a parsed frame has TSLM's shape: an object whose single key is one of its variants. */
  public static boolean recognises(JsonNode frame) {
    if (!frame.isObject() || frame.size() != 1) {
      return false;
    }
    String key = frame.fieldNames().next();
    return key.equals("CreateChannel")
        || key.equals("Subscribe")
        || key.equals("Unsubscribe")
        || key.equals("NotifyChannel");
  }

  @Override
  public Command decode(JsonNode node) {
    if (!recognises(node)) {
      throw new BadFrameException(
          ErrorCode.UNKNOWN_OP, "expected one of CreateChannel, Subscribe, Unsubscribe, NotifyChannel", null);
    }
    Map.Entry<String, JsonNode> variant = node.fields().next();
    JsonNode value = variant.getValue();
    return switch (variant.getKey()) {
      case "CreateChannel" -> new Command.Create(null, channelName(value));
      case "Subscribe" -> new Command.Subscribe(null, channelName(value), null);
      case "Unsubscribe" -> new Command.Unsubscribe(null, channelName(value));
      default -> notify(value);
    };
  }

  private static String channelName(JsonNode value) {
    if (!value.isTextual()) {
      throw new BadFrameException(ErrorCode.BAD_REQUEST, "the channel name must be a string", null);
    }
    return value.textValue();
  }

  private static Command notify(JsonNode value) {
    if (!value.isArray() || value.size() != 2 || !value.get(0).isTextual()) {
      throw new BadFrameException(
          ErrorCode.BAD_REQUEST, "NotifyChannel takes [channel, {\"Text\": string} or {\"Json\": value}]", null);
    }
    JsonNode payload = value.get(1);
    if (payload.isObject() && payload.size() == 1) {
      JsonNode text = payload.get("Text");
      if (text != null && text.isTextual()) {
        return new Command.Publish(null, value.get(0).textValue(), Json.compact(text));
      }
      JsonNode json = payload.get("Json");
      if (json != null) {
        return new Command.Publish(null, value.get(0).textValue(), Json.compact(json));
      }
    }
    throw new BadFrameException(
        ErrorCode.BAD_REQUEST, "NotifyChannel payload must be {\"Text\": string} or {\"Json\": value}", null);
  }

  @Override
  public String result(Command command, JsonObject result) {
    String channel = command.channel();
    String text;
    if (command instanceof Command.Create) {
      text = "Channel " + channel + " created";
    } else if (command instanceof Command.Subscribe) {
      text = "Subscribed to " + channel;
    } else if (command instanceof Command.Unsubscribe) {
      text = "Unsubscribed from " + channel;
    } else if (command instanceof Command.Publish) {
      text = "Channel " + channel + " notified";
    } else {
      text = "OK";
    }
    return "{\"Success\":" + Json.quote(text) + "}";
  }

  /** TSLM has no history; a legacy connection that asks gets the native op's meaning in TSLM's shape. */
  @Override
  public String history(Command.History command, BacklogPage page) {
    return "{\"Success\":" + Json.quote("History of " + command.channel() + ": " + page.messages().size() + " messages")
        + "}";
  }

  @Override
  public String error(String idJson, Command command, GatewayException error) {
    return "{\"Error\":" + Json.quote(error.code().wire() + ": " + error.getMessage()) + "}";
  }

  @Override
  public String message(ChannelMessage m) {
    String payload = m.data().startsWith("\"") ? "{\"Text\":" + m.data() + "}" : "{\"Json\":" + m.data() + "}";
    return "{\"ChannelMessage\":[" + Json.quote(m.channel()) + "," + payload + "]}";
  }

  @Override
  public String disconnect(Disconnect d) {
    return "{\"Error\":" + Json.quote("disconnected: " + d.reason()) + "}";
  }
}
