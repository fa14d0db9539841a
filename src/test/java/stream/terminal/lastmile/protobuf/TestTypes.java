package stream.terminal.lastmile.protobuf;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import stream.terminal.lastmile.config.ConfigParser;
import stream.terminal.lastmile.core.ProtoPayload;

/** The tests' Protobuf types (src/test/proto), as the build's descriptor set gives them to a node. */
public final class TestTypes {
  /** Written by the build (gateway.xml, protobuf-maven-plugin test-compile) with its imports. */
  public static final Path DESCRIPTOR_SET = Path.of("target/test-descriptors/test-types.desc");

  private TestTypes() {}

  /** The {@code protobuf} configuration section that loads the test types. */
  public static JsonObject section() {
    if (!Files.isReadable(DESCRIPTOR_SET)) {
      throw new IllegalStateException(DESCRIPTOR_SET + " is missing: build with mvn test-compile");
    }
    return new JsonObject().put("descriptor_sets", new JsonArray().add(DESCRIPTOR_SET.toString()));
  }

  public static ProtoTypes load() {
    return ProtoTypes.of(ConfigParser.parse(new JsonObject().put("protobuf", section())).protobuf());
  }

  public static ProtoPayload payload(Message message) {
    Any any = Any.pack(message);
    return new ProtoPayload(any.getTypeUrl(), any.getValue().toByteArray());
  }
}
