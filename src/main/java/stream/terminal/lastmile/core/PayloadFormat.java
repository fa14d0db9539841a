package stream.terminal.lastmile.core;

/** How a subscription receives messages that were published in Protobuf form (docs/protocol.md, {@code format}). */
public enum PayloadFormat {
  /** As JSON text frames: the proto3 JSON mapping. */
  JSON,
  /** As binary frames holding a serialized {@code lastmile.v1.Message}; messages published as JSON still as text. */
  PROTOBUF
}
