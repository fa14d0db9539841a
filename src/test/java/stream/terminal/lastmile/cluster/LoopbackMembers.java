package stream.terminal.lastmile.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import stream.terminal.lastmile.config.ClusterConfig;
import stream.terminal.lastmile.support.LoopbackNet;

/**
 * Hazelcast members in this JVM, each on an extra loopback address of its own (so that {@link LoopbackNet} can
 * cut them apart), built as a node builds its member ({@link HazelcastSetup}), with a healed split merging within
 * seconds.
 */
final class LoopbackMembers {
  private LoopbackMembers() {}

  /**
   * Starts one member per address, all at once, and returns them in the order of {@code ips}.
   *
   * @param noHeartbeatSeconds how long a silent member stays in the others' member list
   */
  static List<HazelcastInstance> start(Vertx vertx, LoopbackNet net, String test, List<String> ips, int minMembers,
      int noHeartbeatSeconds) throws Exception {
    List<String> addresses = new ArrayList<>();
    for (String ip : ips) {
      net.address(ip);
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
        addresses.add(ip + ":" + socket.getLocalPort());
      }
    }
    String name = test + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    List<Future<HazelcastInstance>> started = new ArrayList<>();
    for (String address : addresses) {
      String[] hostPort = address.split(":");
      Config config = HazelcastSetup.build(new ClusterConfig(true, name, hostPort[0], null,
          Integer.parseInt(hostPort[1]), addresses, 0, null, 0, null, minMembers));
      config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(noHeartbeatSeconds));
      config.setProperty("hazelcast.merge.first.run.delay.seconds", "2");
      config.setProperty("hazelcast.merge.next.run.delay.seconds", "2");
      started.add(vertx.executeBlocking(() -> Hazelcast.newHazelcastInstance(config), false));
    }
    List<HazelcastInstance> members = new ArrayList<>();
    for (Future<HazelcastInstance> member : started) {
      members.add(member.await());
    }
    return members;
  }
}
