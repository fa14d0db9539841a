package stream.terminal.lastmile.cluster;

import java.io.ObjectInputFilter;

/**
 * The process-wide allow-list for Java deserialization. Hazelcast's open-source edition authenticates no member,
 * and it deserializes what members send it (Java-serialized values, entry processors, exceptions in
 * responses): without a filter, anyone who reaches the member port could make a node instantiate any
 * serializable class on its class path, the classic gadget-chain attack. Only what a cluster of last-mile nodes
 * exchanges is allowed: the project's own records (channel records, stored messages, the offset entry
 * processor), Hazelcast's and Vert.x's classes, and the JDK's basic value and collection types and the exceptions
 * a failed remote operation carries back; everything else is rejected, and so are graphs deeper, larger or more numerous than any of those.
 */
public final class DeserializationFilter {
  /** A {@code jdk.serialFilter} pattern: limits, then allowed packages ({@code .**} includes subpackages), then {@code !*}. */
  public static final String PATTERN = String.join(";",
      "maxdepth=64", "maxrefs=1000000", "maxarray=10000000",
      "java.lang.*", "java.util.*", "java.util.concurrent.*", "java.time.*", "java.math.*", "java.net.*",
      "java.io.IOException", "java.io.UncheckedIOException", "java.io.EOFException",
      "com.hazelcast.**", "io.vertx.**", "stream.terminal.lastmile.**",
      "!*");

  private DeserializationFilter() {}

  public static ObjectInputFilter create() {
    return ObjectInputFilter.Config.createFilter(PATTERN);
  }

  /**
   * Installs the filter for the whole JVM, at launch before Hazelcast starts. An operator's own
   * {@code -Djdk.serialFilter} is kept (the JVM allows one process-wide filter, set once).
   *
   * @return true when this filter was installed
   */
  public static boolean install() {
    if (ObjectInputFilter.Config.getSerialFilter() != null) {
      return false;
    }
    ObjectInputFilter.Config.setSerialFilter(create());
    return true;
  }
}
