package stream.terminal.lastmile.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import stream.terminal.lastmile.config.ProtobufConfig;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.ProtoPayload;

/**
 * The Protobuf types of the node's descriptor sets, and their proto3 JSON mapping (docs/protocol.md, Protobuf
 * payloads): what browsers get for a message published in Protobuf form. Immutable, so one instance serves every
 * event loop.
 */
public final class ProtoTypes {
  /** No types: every payload is refused with {@code unknown_type}. */
  public static final ProtoTypes NONE = new ProtoTypes(ProtobufConfig.NONE);

  /** {@code <prefix>/<full.type.Name>}, as {@code google.protobuf.Any} has it; printable ASCII, bounded. */
  private static final Pattern TYPE_URL = Pattern.compile("[\\x21-\\x7e]{0,400}/[A-Za-z_][A-Za-z0-9_.]{0,400}");

  private final Map<String, Descriptor> byName = new HashMap<>();
  /** Compact, lowerCamelCase names, and fields at their default value printed too (a chart wants its zeros). */
  private final JsonFormat.Printer printer;
  private final boolean configured;

  private ProtoTypes(ProtobufConfig config) {
    JsonFormat.TypeRegistry.Builder registry = JsonFormat.TypeRegistry.newBuilder();
    for (FileDescriptor file : config.files()) {
      file.getMessageTypes().forEach(type -> index(type, registry));
    }
    this.printer = JsonFormat.printer().usingTypeRegistry(registry.build()).omittingInsignificantWhitespace()
        .alwaysPrintFieldsWithNoPresence();
    this.configured = !config.files().isEmpty();
  }

  public static ProtoTypes of(ProtobufConfig config) {
    return config.files().isEmpty() ? NONE : new ProtoTypes(config);
  }

  private void index(Descriptor type, JsonFormat.TypeRegistry.Builder registry) {
    byName.put(type.getFullName(), type);
    registry.add(type);
    type.getNestedTypes().forEach(nested -> index(nested, registry));
  }

  /** As {@link #toJson(ProtoPayload)}, for a {@code google.protobuf.Any}'s two fields. */
  public String toJson(String typeUrl, ByteString value) {
    return toJson(new ProtoPayload(typeUrl, value.toByteArray()));
  }

  /**
   * The payload's proto3 JSON mapping, compact, on one line.
   *
   * @throws GatewayException {@code unknown_type} when its type (or the type of an {@code Any} inside it) is in
   *     none of the descriptor sets; {@code bad_request} when the type URL is malformed or the bytes do not parse
   *     as the type
   */
  public String toJson(ProtoPayload payload) {
    String typeUrl = payload.typeUrl();
    if (!TYPE_URL.matcher(typeUrl).matches()) {
      throw new GatewayException(ErrorCode.BAD_REQUEST,
          "a Protobuf type must be given as type.googleapis.com/package.Type");
    }
    String name = typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
    Descriptor type = byName.get(name);
    if (type == null) {
      throw new GatewayException(ErrorCode.UNKNOWN_TYPE, configured
          ? "unknown Protobuf type '" + name + "': it is in none of the node's descriptor sets"
          : "unknown Protobuf type '" + name + "': the node has no descriptor sets (protobuf.descriptor_sets)");
    }
    DynamicMessage message;
    try {
      message = DynamicMessage.parseFrom(type, payload.value());
    } catch (InvalidProtocolBufferException e) {
      throw new GatewayException(ErrorCode.BAD_REQUEST, "the payload is not a valid " + name + ": " + e.getMessage());
    }
    try {
      return printer.print(message);
    } catch (InvalidProtocolBufferException e) {
      // the printer resolves the types of Any fields inside the message, and says so when one is missing
      boolean unknown = e.getMessage() != null && e.getMessage().startsWith("Cannot find type for url");
      throw new GatewayException(unknown ? ErrorCode.UNKNOWN_TYPE : ErrorCode.BAD_REQUEST,
          "the payload " + name + " has no JSON mapping: " + e.getMessage());
    }
  }
}
