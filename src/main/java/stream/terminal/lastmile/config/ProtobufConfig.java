package stream.terminal.lastmile.config;

import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.List;

/**
 * The Protobuf types whose payloads the node maps to JSON (section {@code protobuf}), read and linked at startup
 * so that a bad descriptor set is a configuration error, not a refusal at the first publish.
 *
 * @param descriptorSets the files named by {@code protobuf.descriptor_sets}, in order
 * @param files every {@code .proto} file they describe, linked with its imports
 */
public record ProtobufConfig(List<String> descriptorSets, List<FileDescriptor> files) {
  /** No descriptor sets: every Protobuf payload is refused. */
  public static final ProtobufConfig NONE = new ProtobufConfig(List.of(), List.of());
}
