package stream.terminal.lastmile.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.terminal.lastmile.protobuf.testtypes.Indicators;

/** The {@code protobuf} section: descriptor sets read and linked at startup, every problem a configuration error. */
class ProtobufConfigTest {
  private static final String BUILT = "target/test-descriptors/test-types.desc";

  @TempDir Path dir;

  private static ProtobufConfig parse(String... sets) {
    JsonArray list = new JsonArray();
    for (String set : sets) {
      list.add(set);
    }
    return ConfigParser.parse(new JsonObject().put("protobuf", new JsonObject().put("descriptor_sets", list)))
        .protobuf();
  }

  private static String refusal(String... sets) {
    return assertThrows(ConfigException.class, () -> parse(sets)).getMessage();
  }

  private Path write(String name, FileDescriptorSet set) throws Exception {
    return Files.write(dir.resolve(name), set.toByteArray());
  }

  private static FileDescriptorSet setOf(FileDescriptor... files) {
    FileDescriptorSet.Builder set = FileDescriptorSet.newBuilder();
    for (FileDescriptor file : files) {
      set.addFile(file.toProto());
    }
    return set.build();
  }

  @Test
  void withoutTheSectionNoTypesAreLoaded() {
    assertSame(ProtobufConfig.NONE, ConfigParser.parse(new JsonObject()).protobuf());
    assertSame(ProtobufConfig.NONE, parse());
  }

  @Test
  void aSetWrittenWithItsImportsIsLinked() {
    ProtobufConfig config = parse(BUILT);
    assertTrue(config.files().stream().anyMatch(f -> f.getName().equals("lastmile/test/indicators.proto")));
    assertEquals(java.util.List.of(BUILT), config.descriptorSets());
  }

  @Test
  void wellKnownImportsMayBeLeftOut() throws Exception {
    // as protoc writes a set without --include_imports: any.proto and timestamp.proto are not in it
    Path set = write("alone.desc", setOf(Indicators.getDescriptor()));
    assertEquals(1, parse(set.toString()).files().size());
  }

  @Test
  void setsMayImportFromEachOther() throws Exception {
    FileDescriptorProto base = FileDescriptorProto.newBuilder().setName("a/base.proto").setPackage("a")
        .setSyntax("proto3").addMessageType(DescriptorProto.newBuilder().setName("Base")).build();
    FileDescriptorProto user = FileDescriptorProto.newBuilder().setName("b/user.proto").setPackage("b")
        .setSyntax("proto3").addDependency("a/base.proto")
        .addMessageType(DescriptorProto.newBuilder().setName("User")).build();
    Path second = write("user.desc", FileDescriptorSet.newBuilder().addFile(user).build());
    Path first = write("base.desc", FileDescriptorSet.newBuilder().addFile(base).build());
    assertEquals(2, parse(second.toString(), first.toString()).files().size());

    String missing = refusal(second.toString());
    assertTrue(missing.contains("protobuf.descriptor_sets[0]") && missing.contains("imports a/base.proto")
        && missing.contains("--include_imports"), missing);
  }

  @Test
  void aMissingOrUnreadableFileIsNamed() {
    String message = refusal(BUILT, dir.resolve("nope.desc").toString());
    assertTrue(message.contains("protobuf.descriptor_sets[1]") && message.contains("nope.desc"), message);
  }

  @Test
  void aFileThatIsNotADescriptorSetIsNamed() throws Exception {
    Path garbage = Files.writeString(dir.resolve("indicators.proto"), "syntax = \"proto3\";\nmessage X {}\n");
    String message = refusal(garbage.toString());
    assertTrue(message.contains("protobuf.descriptor_sets[0]") && message.contains("is not a descriptor set"), message);
    Path empty = Files.write(dir.resolve("empty.desc"), new byte[0]);
    assertTrue(refusal(empty.toString()).contains("describes no .proto file"));
  }

  @Test
  void anInvalidDescriptionIsNamed() throws Exception {
    FileDescriptorProto broken = FileDescriptorProto.newBuilder().setName("c/broken.proto").setPackage("c")
        .setSyntax("proto3").addMessageType(DescriptorProto.newBuilder().setName("Twice"))
        .addMessageType(DescriptorProto.newBuilder().setName("Twice")).build();
    Path set = write("broken.desc", FileDescriptorSet.newBuilder().addFile(broken).build());
    String message = refusal(set.toString());
    assertTrue(message.contains("protobuf.descriptor_sets[0]") && message.contains("c/broken.proto is not valid"),
        message);
  }

  @Test
  void twoSetsThatDescribeOneFileDifferentlyAreRefused() throws Exception {
    FileDescriptorProto changed = Indicators.getDescriptor().toProto().toBuilder().setPackage("lastmile.other").build();
    Path set = write("changed.desc", FileDescriptorSet.newBuilder().addFile(changed).build());
    String message = refusal(BUILT, set.toString());
    assertTrue(message.contains("describes lastmile/test/indicators.proto differently"), message);
  }

  @Test
  void anUnknownOptionIsRefused() {
    JsonObject config = new JsonObject().put("protobuf", new JsonObject().put("descriptor_set", "x.desc"));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigParser.parse(config)).getMessage()
        .contains("protobuf.descriptor_set"));
  }
}
