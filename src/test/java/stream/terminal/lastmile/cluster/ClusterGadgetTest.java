package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectInputStream;
import java.io.ObjectOutput;
import java.io.Serializable;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.TestGateway;

/**
 * A host on the cluster network joins as a Hazelcast member of its own (no member authentication in the open-source
 * edition) and writes gadgets where a running node reads them: the channel map. The node refuses each one without
 * instantiating it, names the refused class, and goes on serving.
 */
class ClusterGadgetTest {
  private static final String MAP = HazelcastChannelRegistry.MAP;
  private static TestGateway gateway;
  private static HazelcastInstance attacker;
  private static HazelcastInstance node;

  /** A class outside the list: were it deserialized, its readObject would say so. */
  static final class Outsider implements Serializable {
    static final AtomicBoolean READ = new AtomicBoolean();

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      READ.set(true);
    }
  }

  /** Externalizable: Hazelcast itself instantiates the class it names, out of the JVM filter's sight. */
  public static final class ExternalOutsider implements Externalizable {
    static final AtomicBoolean CONSTRUCTED = new AtomicBoolean();

    public ExternalOutsider() {
      CONSTRUCTED.set(true);
    }

    @Override
    public void writeExternal(ObjectOutput out) {}

    @Override
    public void readExternal(ObjectInput in) {}
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    int member = freePort();
    int foreign = freePort();
    String name = "gadget-" + System.nanoTime();
    JsonArray members = new JsonArray().add("127.0.0.1:" + member).add("127.0.0.1:" + foreign);
    gateway = new TestGateway();
    gateway.config().put("cluster", new JsonObject().put("enabled", true).put("name", name).put("host", "127.0.0.1")
        .put("port", member).put("event_bus_port", freePort()).put("members", members).put("join_wait_seconds", 0));
    gateway.start();
    // the foreign host: a plain Hazelcast member without any filter, the cluster's name its only credential, and
    // the gateway's serializers (found in its jar), so that it can hold backlogs the node goes on using
    node = Hazelcast.getAllHazelcastInstances().stream()
        .filter(h -> h.getConfig().getClusterName().equals(name)).findFirst().orElseThrow();
    Config config = new Config().setClusterName(name);
    HazelcastSetup.addSerializers(config.getSerializationConfig());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.getNetworkConfig().setPort(foreign).setPortAutoIncrement(false).getInterfaces().setEnabled(true)
        .addInterface("127.0.0.1");
    config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).setMembers(members.getList());
    attacker = Hazelcast.newHazelcastInstance(config);
    assertEquals(2, node.getCluster().getMembers().size(), "the foreign member joined");
  }

  @AfterAll
  static void stop() throws Exception {
    if (attacker != null) {
      attacker.shutdown();
    }
    gateway.close();
  }

  /**
   * URLDNS: hashing a URL resolves its host. A handler that answers -1 leaves the URL's hash unset, so the reader
   * would compute it, as the published gadget arranges by reflection.
   */
  private static Map<URL, String> urlDns() throws IOException {
    URLStreamHandler unhashed = new URLStreamHandler() {
      @Override
      protected URLConnection openConnection(URL u) {
        throw new UnsupportedOperationException();
      }

      @Override
      protected int hashCode(URL u) {
        return -1;
      }
    };
    Map<URL, String> gadget = new HashMap<>();
    gadget.put(new URL(null, "http://urldns.invalid/", unhashed), "x");
    return gadget;
  }

  /**
   * Sets nested 24 deep, Java-serialized (Hazelcast writes a bare HashSet with its own serializer, which neither
   * filter sees: docs/security.md, 1.3).
   */
  private static Set<Object> nestedSets() {
    Set<Object> set = new HashSet<>();
    for (int i = 0; i < 24; i++) {
      Set<Object> outer = new HashSet<>();
      outer.add(set);
      outer.add(i);
      set = outer;
    }
    return Collections.unmodifiableSet(set);
  }

  /** Allowed classes only, nested past the depth limit: an exception with 24 causes. */
  private static Exception deepCauses() {
    Exception e = new IllegalStateException("0");
    for (int i = 1; i < 24; i++) {
      e = new IllegalStateException(String.valueOf(i), e);
    }
    return e;
  }

  /** Reads the key on the node, as its registry does; returns the failure's messages, causes included. */
  private static String refusal(String key) {
    Exception e = assertThrows(Exception.class, () -> node.getMap(MAP).get(key), key);
    StringBuilder messages = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      messages.append(t).append('\n');
    }
    return messages.toString();
  }

  @Test
  void gadgetsFromAForeignMemberAreRefusedAndTheNodeGoesOn() throws Exception {
    IMap<String, Object> channels = attacker.getMap(MAP);
    channels.put("gadget.urldns", urlDns());
    channels.put("gadget.nested", nestedSets());
    channels.put("gadget.deep", deepCauses());
    channels.put("gadget.outsider", new Outsider());
    channels.put("gadget.external", new ExternalOutsider());
    ExternalOutsider.CONSTRUCTED.set(false);

    for (String key : List.of("gadget.urldns", "gadget.nested", "gadget.deep", "gadget.outsider", "gadget.external")) {
      String refused = refusal(key);
      assertTrue(refused.contains("not allowed") || refused.contains("REJECTED"), refused);
      assertFalse(refused.contains("ClassCastException"), "read, then found not to be a channel: " + refused);
    }
    assertTrue(refusal("gadget.urldns").contains("java.net.URL"));
    assertTrue(refusal("gadget.deep").contains("REJECTED"), "the JVM's filter: too deep");
    assertTrue(refusal("gadget.outsider").contains(Outsider.class.getName()));
    assertFalse(Outsider.READ.get(), "never instantiated");
    // Hazelcast's own filter's words: the JVM's never sees an Externalizable's class
    assertTrue(refusal("gadget.external").contains("Resolving class " + ExternalOutsider.class.getName()));
    assertFalse(ExternalOutsider.CONSTRUCTED.get(), "never instantiated");

    // a client asking for the channel gets an error, and the node serves the next request
    assertTrue(Http.get(gateway.ingestPort(), "/channels/gadget.outsider/messages").status() >= 400);
    assertEquals(201, Http.put(gateway.ingestPort(), "/channels/after.gadgets").status());
    assertEquals(200, Http.post(gateway.ingestPort(), "/channels/after.gadgets/messages", "{\"a\":1}").status());
    assertEquals(200, Http.get(gateway.ingestPort(), "/channels/after.gadgets/messages").status());
  }
}
