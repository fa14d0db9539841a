package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.spi.exception.TargetNotMemberException;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.ByteArrayOutputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.management.BadAttributeValueExpException;
import org.junit.jupiter.api.Test;

/** The allow-list lets through what cluster members exchange, and nothing else. */
class DeserializationFilterTest {
  private static byte[] serialize(Object value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  /** Reads with the JVM-wide filter, as Hazelcast's Java serializer does. */
  private static Object read(byte[] bytes) throws Exception {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    }
  }

  @Test
  void aClassOutsideTheAllowListIsRejectedProcessWide() throws Exception {
    DeserializationFilter.install();
    assertEquals(DeserializationFilter.PATTERN, ObjectInputFilter.Config.getSerialFilter().toString());
    // the entry point of several published gadget chains: a foreign member could send one in any value
    byte[] gadget = serialize(new BadAttributeValueExpException("x"));
    InvalidClassException refused = assertThrows(InvalidClassException.class, () -> read(gadget));
    assertTrue(refused.getMessage().contains("REJECTED"), refused.getMessage());
    // nested inside an allowed container, too
    byte[] nested = serialize(new ArrayList<Object>(List.of(new BadAttributeValueExpException("x"))));
    assertThrows(InvalidClassException.class, () -> read(nested));
  }

  @Test
  void whatMembersExchangeIsAllowed() throws Exception {
    DeserializationFilter.install();
    Map<String, Serializable> values = new HashMap<>();
    values.put("record", new ChannelRecord("e1", 1, 2));
    values.put("stored", new StoredMessage(3, "{\"a\":1}"));
    values.put("signed", new SignedStoredMessage(3, "{\"a\":1}", "signer-1", "AAAA"));
    values.put("processor", new NextOffset(5));
    values.put("failure", new IllegalStateException("x", new TargetNotMemberException("gone")));
    for (Map.Entry<String, Serializable> value : values.entrySet()) {
      Object back = read(serialize(value.getValue()));
      assertEquals(value.getValue().getClass(), back.getClass(), value.getKey());
    }
  }

  @Test
  void aUrlKeyedMapIsRejected() throws Exception {
    DeserializationFilter.install();
    // URLDNS: reading it would hash the URL, which resolves its host
    Map<java.net.URL, String> gadget = new HashMap<>();
    gadget.put(new java.net.URL("http://127.0.0.1/"), "x");
    InvalidClassException refused = assertThrows(InvalidClassException.class, () -> read(serialize(gadget)));
    assertTrue(refused.getMessage().contains("REJECTED"), refused.getMessage());
  }

  @Test
  void graphsDeeperThan16AreRejected() throws Exception {
    DeserializationFilter.install();
    assertEquals(ArrayList.class, read(serialize(nested(DeserializationFilter.MAX_DEPTH / 2))).getClass());
    InvalidClassException refused = assertThrows(InvalidClassException.class,
        () -> read(serialize(nested(DeserializationFilter.MAX_DEPTH + 1))));
    assertTrue(refused.getMessage().contains("REJECTED"), refused.getMessage());
  }

  /** Lists inside lists, {@code depth} of them. */
  private static List<Object> nested(int depth) {
    List<Object> list = new ArrayList<>();
    for (int i = 1; i < depth; i++) {
      List<Object> outer = new ArrayList<>();
      outer.add(list);
      list = outer;
    }
    return list;
  }

  /**
   * A class of the gateway that a node could send with Java serialization (Serializable, not an exception or an
   * enum, which travel otherwise or not at all) must be on the list, or its peers refuse it: add it, or give it a
   * serializer of its own as the stored messages have.
   */
  @Test
  void everySerializableClassOfTheGatewayIsOnTheList() throws Exception {
    Path root = Path.of(DeserializationFilter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> missing = new ArrayList<>();
    List<String> listed = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
        String name = root.relativize(file).toString().replace(File.separatorChar, '.').replaceAll("\\.class$", "");
        Class<?> type = Class.forName(name, false, DeserializationFilter.class.getClassLoader());
        if (Serializable.class.isAssignableFrom(type) && !Throwable.class.isAssignableFrom(type) && !type.isEnum()
            && !type.isInterface()) {
          (DeserializationFilter.CLASSES.contains(name) ? listed : missing).add(name);
        }
      }
    }
    assertEquals(List.of(), missing);
    assertTrue(listed.contains(ChannelRecord.class.getName()), "the walk found the gateway's classes: " + listed);
  }
}
