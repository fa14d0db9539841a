package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.TestGateway;

/**
 * Hazelcast (no TLS, no member authentication in its open-source edition) and the event bus listen on the
 * configured private address only, never on every interface. Linux routes all of 127.0.0.0/8 to the loopback
 * interface, so a port bound to the wildcard answers on 127.0.0.2 and one bound to 127.0.0.1 does not.
 */
class ClusterBindTest {
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void connect(String host, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2000);
    }
  }

  @Test
  void clusterPortsAnswerOnlyOnTheConfiguredAddress() throws Exception {
    int member = freePort();
    int eventBus = freePort();
    try (TestGateway gateway = new TestGateway()) {
      gateway.config().put("cluster", new JsonObject().put("enabled", true).put("name", "bind-" + System.nanoTime())
          .put("host", "127.0.0.1").put("port", member).put("event_bus_port", eventBus)
          .put("members", new JsonArray().add("127.0.0.1:" + member)).put("join_wait_seconds", 0));
      gateway.start();
      for (int port : new int[] {member, eventBus}) {
        connect("127.0.0.1", port);
        assertThrows(ConnectException.class, () -> connect("127.0.0.2", port), "port " + port + " on 127.0.0.2");
      }
    }
  }
}
