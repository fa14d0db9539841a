package stream.terminal.lastmile.protocol.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import stream.terminal.lastmile.core.BacklogPage;
import stream.terminal.lastmile.core.BadFrameException;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.protocol.Command;
import stream.terminal.lastmile.core.Dialect;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.protocol.Json;
import stream.terminal.lastmile.core.PayloadFormat;
import stream.terminal.lastmile.core.Position;
import stream.terminal.lastmile.core.Signature;
import stream.terminal.lastmile.core.IdempotencyKey;
import stream.terminal.lastmile.core.Signed;
import stream.terminal.lastmile.protocol.SignedFields;
import stream.terminal.lastmile.protocol.WireCodec;

/** The native dialect: {@code {"op":"subscribe","channel":"c","id":1}} in, typed frames out (docs/protocol.md). */
public final class NativeCodec implements WireCodec {
  public static final NativeCodec INSTANCE = new NativeCodec();

  private NativeCodec() {}

  @Override
  public Dialect dialect() {
    return Dialect.NATIVE;
  }

  /** True when a parsed frame looks like a native command (an object with {@code op}). */
  public static boolean recognises(JsonNode frame) {
    return frame.isObject() && frame.has("op");
  }

  @Override
  public Command decode(JsonNode node) {
    if (!node.isObject()) {
      throw new BadFrameException(ErrorCode.BAD_REQUEST, "a command is a JSON object", null);
    }
    String id = id(node);
    JsonNode op = node.get("op");
    if (op == null || !op.isTextual()) {
      throw new BadFrameException(ErrorCode.BAD_REQUEST, "field 'op' must be a string", id);
    }
    return switch (op.textValue()) {
      case "subscribe" -> new Command.Subscribe(id, channel(node, id), since(node, id), format(node, id));
      case "unsubscribe" -> new Command.Unsubscribe(id, channel(node, id));
      case "create" -> new Command.Create(id, channel(node, id));
      case "publish" -> new Command.Publish(id, channel(node, id), data(node, id), signed(node, id),
          idempotencyKey(node, id));
      case "history" -> new Command.History(id, channel(node, id), since(node, id), limit(node, id));
      case "auth" -> new Command.Auth(id, token(node, id));
      case "ping" -> new Command.Ping(id);
      default -> throw new BadFrameException(ErrorCode.UNKNOWN_OP, "unknown op '" + op.textValue() + "'", id);
    };
  }

  private static String id(JsonNode node) {
    JsonNode id = node.get("id");
    if (id == null || id.isNull()) {
      return null;
    }
    if (!id.isTextual() && !id.isNumber()) {
      throw new BadFrameException(ErrorCode.BAD_REQUEST, "field 'id' must be a string or a number", null);
    }
    return Json.compact(id);
  }

  private static String channel(JsonNode node, String id) {
    JsonNode channel = node.get("channel");
    if (channel == null || !channel.isTextual()) {
      throw new BadFrameException(ErrorCode.BAD_REQUEST, "field 'channel' must be a string", id);
    }
    return channel.textValue();
  }

  private static String token(JsonNode node, String id) {
    JsonNode token = node.get("token");
    if (token == null || !token.isTextual() || token.textValue().isEmpty()) {
      throw new BadFrameException(ErrorCode.BAD_REQUEST, "field 'token' must be a non-empty string", id);
    }
    return token.textValue();
  }

  private static String data(JsonNode node, String id) {
    JsonNode data = node.get("data");
    if (data == null) {
      throw new BadFrameException(ErrorCode.BAD_REQUEST, "field 'data' is required", id);
    }
    return Json.compact(data);
  }

  /** The publish's {@code idempotency_key}, checked, or null (absent or null). */
  private static String idempotencyKey(JsonNode node, String id) {
    JsonNode key = given(node, "idempotency_key");
    if (key == null) {
      return null;
    }
    try {
      return IdempotencyKey.require(key.isTextual() ? key.textValue() : "");
    } catch (GatewayException e) {
      throw new BadFrameException(e.code(), e.getMessage(), id);
    }
  }

  /** A signed publish's ts, kid and sig (all three or none; null and absent are the same), or null. */
  private static Signed signed(JsonNode node, String id) {
    JsonNode ts = given(node, "ts");
    JsonNode kid = given(node, "kid");
    JsonNode sig = given(node, "sig");
    if (ts == null && kid == null && sig == null) {
      return null;
    }
    if (ts == null || kid == null || sig == null) {
      throw new BadFrameException(
          ErrorCode.BAD_REQUEST, "fields 'ts', 'kid' and 'sig' go together: give all three or none", id);
    }
    if (!ts.isIntegralNumber() || !ts.canConvertToLong()) {
      throw new BadFrameException(ErrorCode.BAD_REQUEST, "field 'ts' must be a positive integer", id);
    }
    if (!kid.isTextual() || !sig.isTextual()) {
      throw new BadFrameException(ErrorCode.BAD_REQUEST, "fields 'kid' and 'sig' must be strings", id);
    }
    try {
      return SignedFields.of(ts.longValue(), kid.textValue(), sig.textValue());
    } catch (GatewayException e) {
      throw new BadFrameException(e.code(), e.getMessage(), id);
    }
  }

  private static JsonNode given(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value;
  }

  private static Position since(JsonNode node, String id) {
    JsonNode since = node.get("since");
    if (since == null || since.isNull()) {
      return null;
    }
    JsonNode epoch = since.get("epoch");
    JsonNode offset = since.get("offset");
    if (!since.isObject()
        || epoch == null
        || !epoch.isTextual()
        || offset == null
        || !offset.canConvertToLong()
        || !offset.isIntegralNumber()
        || offset.longValue() < 0) {
      throw new BadFrameException(
          ErrorCode.BAD_REQUEST, "field 'since' must be {\"epoch\": string, \"offset\": integer >= 0}", id);
    }
    return new Position(epoch.textValue(), offset.longValue());
  }

  private static PayloadFormat format(JsonNode node, String id) {
    JsonNode format = node.get("format");
    if (format == null || format.isNull()) {
      return PayloadFormat.JSON;
    }
    return switch (format.isTextual() ? format.textValue() : "") {
      case "json" -> PayloadFormat.JSON;
      case "protobuf" -> PayloadFormat.PROTOBUF;
      default -> throw new BadFrameException(ErrorCode.BAD_REQUEST, "field 'format' must be \"json\" or \"protobuf\"", id);
    };
  }

  private static Integer limit(JsonNode node, String id) {
    JsonNode limit = node.get("limit");
    if (limit == null || limit.isNull()) {
      return null;
    }
    if (!limit.isIntegralNumber() || !limit.canConvertToInt() || limit.intValue() < 1) {
      throw new BadFrameException(ErrorCode.BAD_REQUEST, "field 'limit' must be a positive integer", id);
    }
    return limit.intValue();
  }

  @Override
  public String result(Command command, JsonObject result) {
    return "{\"type\":\"reply\",\"id\":" + idOrNull(command.idJson()) + ",\"result\":" + result.encode() + "}";
  }

  @Override
  public String history(Command.History command, BacklogPage page) {
    return "{\"type\":\"reply\",\"id\":" + idOrNull(command.idJson()) + ",\"result\":" + page(command.channel(), page)
        + "}";
  }

  /**
   * A backlog page as JSON: {@code channel}, {@code epoch}, {@code offset} (the latest), {@code first_available}
   * and {@code messages}, each a message frame. Built as text so that payloads stay exactly as published.
   */
  public String page(String channel, BacklogPage page) {
    StringBuilder out = new StringBuilder(64 + page.messages().size() * 96);
    out.append("{\"channel\":").append(Json.quote(channel))
        .append(",\"epoch\":").append(Json.quote(page.epoch()))
        .append(",\"offset\":").append(page.lastOffset())
        .append(",\"first_available\":").append(page.firstAvailable())
        .append(",\"messages\":[");
    for (int i = 0; i < page.messages().size(); i++) {
      out.append(i == 0 ? "" : ",").append(message(page.messages().get(i)));
    }
    return out.append("]}").toString();
  }

  @Override
  public String error(String idJson, Command command, GatewayException error) {
    return "{\"type\":\"reply\",\"id\":"
        + idOrNull(idJson)
        + ",\"error\":{\"code\":\""
        + error.code().wire()
        + "\",\"message\":"
        + Json.quote(error.getMessage())
        + (error.storedUnknown() ? ",\"stored\":\"unknown\"" : "")
        + "}}";
  }

  /** A message frame; a signed message's {@code kid} and {@code sig} follow its {@code data}. */
  @Override
  public String message(ChannelMessage m) {
    return "{\"type\":\"message\",\"channel\":"
        + Json.quote(m.channel())
        + ",\"offset\":"
        + m.offset()
        + ",\"epoch\":"
        + Json.quote(m.epoch())
        + ",\"data\":"
        + m.data()
        + signature(m.signature())
        + ",\"ts\":"
        + m.ts()
        + "}";
  }

  private static String signature(Signature signature) {
    return signature == null ? ""
        : ",\"kid\":" + Json.quote(signature.kid()) + ",\"sig\":" + Json.quote(signature.sig());
  }

  @Override
  public String disconnect(Disconnect d) {
    return "{\"type\":\"disconnect\",\"code\":"
        + d.code()
        + ",\"reason\":"
        + Json.quote(d.reason())
        + ",\"reconnect\":"
        + d.reconnect()
        + "}";
  }

  private static String idOrNull(String idJson) {
    return idJson == null ? "null" : idJson;
  }
}
