package stream.terminal.lastmile.config;

import com.google.protobuf.Any;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Empty;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Int32Value;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads {@code protobuf.descriptor_sets}: files written by {@code protoc --descriptor_set_out --include_imports},
 * each a serialized {@code google.protobuf.FileDescriptorSet}. Their {@code .proto} files are linked across sets
 * (a file may import one described by another set), and Protobuf's well-known types are taken from the runtime
 * when a set leaves them out. Every problem is a {@link ConfigException} naming the set it comes from.
 */
final class DescriptorSets {
  /** The well-known types' files as this runtime has them, by name: a set may import them without including them. */
  private static final Map<String, FileDescriptor> WELL_KNOWN = new HashMap<>();

  static {
    Stream.of(Any.getDescriptor(), Timestamp.getDescriptor(), Duration.getDescriptor(), Struct.getDescriptor(),
            Empty.getDescriptor(), FieldMask.getDescriptor(), Int32Value.getDescriptor())
        .map(d -> d.getFile())
        .forEach(f -> WELL_KNOWN.put(f.getName(), f));
  }

  /** A {@code .proto} file's description and the set it was read from. */
  private record Source(FileDescriptorProto proto, String set) {}

  private DescriptorSets() {}

  /** @param option the option's path, for messages ({@code protobuf.descriptor_sets}) */
  static ProtobufConfig load(List<String> paths, String option) {
    Map<String, Source> sources = new LinkedHashMap<>();
    for (int i = 0; i < paths.size(); i++) {
      String at = option + "[" + i + "]";
      for (FileDescriptorProto proto : read(paths.get(i), at).getFileList()) {
        Source known = sources.get(proto.getName());
        if (known == null) {
          sources.put(proto.getName(), new Source(proto, at));
        } else if (!known.proto().equals(proto)) {
          throw ConfigException.at(at, "'" + paths.get(i) + "' describes " + proto.getName() + " differently than "
              + known.set() + " does");
        }
      }
    }
    Map<String, FileDescriptor> linked = new HashMap<>();
    List<FileDescriptor> files = new ArrayList<>();
    for (Source source : sources.values()) {
      files.add(link(source, sources, linked, new ArrayList<>()));
    }
    return new ProtobufConfig(List.copyOf(paths), List.copyOf(files));
  }

  private static FileDescriptorSet read(String path, String at) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(Path.of(path));
    } catch (IOException e) {
      throw ConfigException.at(at, "cannot read '" + path + "': " + e.getMessage());
    }
    try {
      FileDescriptorSet set = FileDescriptorSet.parseFrom(bytes);
      if (set.getFileCount() == 0) {
        throw ConfigException.at(at, "'" + path + "' describes no .proto file");
      }
      return set;
    } catch (InvalidProtocolBufferException e) {
      throw ConfigException.at(at, "'" + path + "' is not a descriptor set (protoc --descriptor_set_out): "
          + e.getMessage());
    }
  }

  /** Links a file after its imports (depth first); {@code chain} is the import path, to report a cycle. */
  private static FileDescriptor link(Source source, Map<String, Source> sources, Map<String, FileDescriptor> linked,
      List<String> chain) {
    String name = source.proto().getName();
    FileDescriptor done = linked.get(name);
    if (done != null) {
      return done;
    }
    if (chain.contains(name)) {
      throw ConfigException.at(source.set(), "import cycle: " + String.join(" -> ", chain) + " -> " + name);
    }
    chain.add(name);
    List<FileDescriptor> imports = new ArrayList<>();
    for (String dependency : source.proto().getDependencyList()) {
      Source imported = sources.get(dependency);
      if (imported != null) {
        imports.add(link(imported, sources, linked, chain));
      } else if (WELL_KNOWN.containsKey(dependency)) {
        imports.add(WELL_KNOWN.get(dependency));
      } else {
        throw ConfigException.at(source.set(), name + " imports " + dependency
            + ", which no descriptor set describes (write the sets with protoc --include_imports)");
      }
    }
    chain.remove(chain.size() - 1);
    try {
      FileDescriptor file = FileDescriptor.buildFrom(source.proto(), imports.toArray(FileDescriptor[]::new));
      linked.put(name, file);
      return file;
    } catch (DescriptorValidationException e) {
      throw ConfigException.at(source.set(), name + " is not valid: " + e.getMessage());
    }
  }
}
