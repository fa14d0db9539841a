package stream.terminal.lastmile.cluster;

import com.hazelcast.config.JavaSerializationFilterConfig;
import java.io.ObjectInputFilter;
import java.util.List;
import java.util.stream.Stream;

/**
 * The allow-list for Java deserialization on a cluster member. Hazelcast's open-source edition authenticates no
 * member, and it deserializes what members send it (values, entry processors, exceptions in responses): without a
 * filter, anyone who reaches the member port could make a node instantiate any serializable class on its class
 * path (gadget chains; {@code HashMap<URL, ?>}, whose hashing makes a DNS lookup; nested sets that cost seconds of
 * CPU). Only what a cluster of last-mile nodes sends with Java serialization is allowed (found by running the
 * cluster tests with a logging filter): the project's records, the exceptions a failed remote operation carries
 * back, and the {@code Properties} Hazelcast reads at startup. The same list is set twice: process-wide
 * ({@code jdk.serialFilter}, with depth and size limits) and as Hazelcast's own class filter, which Hazelcast also
 * applies to Externalizable values (docs/security.md, 1.3, says what neither covers).
 */
public final class DeserializationFilter {
  /** Deep enough for an exception with its causes and stack traces; a record is depth 1. */
  static final int MAX_DEPTH = 16;
  /** Exact class names; an array of one of them is allowed too. */
  static final List<String> CLASSES = List.of(
      // the channel map's value, its offset entry processor, ringbuffer items (StoredSerializer reads old ones)
      ChannelRecord.class.getName(), NextOffset.class.getName(), StoredMessage.class.getName(),
      SignedStoredMessage.class.getName(), ProtoStoredMessage.class.getName(),
      // the idempotency claims' compare-and-set: ClaimSwapSerializer writes it, but every EntryProcessor is
      // Serializable, and a member without that serializer would send it as Java
      ClaimSwap.class.getName(),
      // the entry processor that moves a channel whose backlog started over to a new epoch
      BacklogRestart.class.getName(),
      // a failed remote operation's exception, its causes and stack trace
      "java.lang.Throwable", "java.lang.Exception", "java.lang.RuntimeException", "java.lang.Error",
      "java.lang.IllegalStateException", "java.lang.IllegalArgumentException", "java.lang.NullPointerException",
      "java.lang.UnsupportedOperationException", "java.lang.ClassCastException",
      "java.lang.IndexOutOfBoundsException", "java.lang.ArithmeticException", "java.lang.OutOfMemoryError",
      "java.lang.InterruptedException", "java.util.concurrent.CancellationException",
      "java.util.concurrent.ExecutionException", "java.util.concurrent.TimeoutException",
      "java.util.concurrent.RejectedExecutionException", "java.io.IOException", "java.io.UncheckedIOException",
      "java.io.EOFException", "java.lang.StackTraceElement", "java.util.Collections$EmptyList",
      "java.util.Collections$UnmodifiableRandomAccessList", "java.util.Collections$UnmodifiableList",
      "java.util.Collections$UnmodifiableCollection", "java.util.ArrayList",
      // the Object[] an ArrayList reads its elements into (no stream can hold a bare Object: not serializable)
      "java.lang.Object",
      // what a member reads of its own configuration at startup
      "java.util.Properties", "java.util.Hashtable", "java.util.Map$Entry");
  /** Hazelcast's exceptions (and the few other classes it sends with Java serialization). */
  static final String HAZELCAST = "com.hazelcast.";
  /** A {@code jdk.serialFilter} pattern: limits, the allowed classes and packages, then {@code !*}. */
  public static final String PATTERN = String.join(";", Stream.of(
      Stream.of("maxdepth=" + MAX_DEPTH, "maxrefs=100000", "maxarray=100000"),
      CLASSES.stream(),
      Stream.of(HAZELCAST + "**", "!*")).flatMap(s -> s).toList());

  private DeserializationFilter() {}

  public static ObjectInputFilter create() {
    return ObjectInputFilter.Config.createFilter(PATTERN);
  }

  /**
   * Installs the filter for the whole JVM, before Hazelcast starts (the launcher, and every node that joins a
   * cluster). An operator's own {@code -Djdk.serialFilter} is kept (the JVM allows one process-wide filter, set
   * once), and so is this filter when it is already installed.
   *
   * @return true when this filter is the process-wide one
   */
  public static synchronized boolean install() {
    ObjectInputFilter current = ObjectInputFilter.Config.getSerialFilter();
    if (current == null) {
      ObjectInputFilter.Config.setSerialFilter(create());
      return true;
    }
    return PATTERN.equals(current.toString());
  }

  /**
   * The same list as Hazelcast's class filter: Hazelcast checks it for every class a Java-serialized or
   * Externalizable value names, before loading it. Hazelcast's own defaults (any {@code java} class, any array) are
   * off; arrays are allowed one by one.
   */
  public static JavaSerializationFilterConfig hazelcast() {
    JavaSerializationFilterConfig config = new JavaSerializationFilterConfig().setDefaultsDisabled(true);
    config.getWhitelist().addClasses(CLASSES.toArray(String[]::new));
    config.getWhitelist().addClasses(CLASSES.stream().map(c -> "[L" + c + ";").toArray(String[]::new));
    // the Protobuf form's bytes in a ProtoStoredMessage (the JVM's filter lets primitive arrays through)
    config.getWhitelist().addClasses("[B");
    config.getWhitelist().addPrefixes(HAZELCAST);
    return config;
  }
}
