package stream.terminal.lastmile.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.config.Limits;
import stream.terminal.lastmile.net.ConnectionGate.Admission;

class ConnectionGateTest {
  private static ConnectionGate gate(int max, int perIp) {
    Limits d = Limits.EDGE_DEFAULTS;
    return new ConnectionGate("test", new Limits(max, d.maxFrameBytes(), d.maxDataBytes(), d.commandsPerSecond(),
        d.burst(), d.maxSubscriptions(), d.writeQueueBytes(), d.pingIntervalMs(), d.idleTimeoutMs(),
        d.handshakeTimeoutMs(), d.keepAliveTimeoutMs(), perIp, d.maxUnwritableMs()));
  }

  @Test
  void perAddressCapLeavesOtherAddressesIn() {
    ConnectionGate gate = gate(10, 2);
    assertEquals(Admission.ADMITTED, gate.admit("192.0.2.1"));
    assertEquals(Admission.ADMITTED, gate.admit("192.0.2.1"));
    assertEquals(Admission.PER_IP, gate.admit("192.0.2.1"));
    assertEquals(Admission.ADMITTED, gate.admit("192.0.2.2"));
    assertEquals(3, gate.open(), "a refusal holds no place");
    gate.release("192.0.2.1");
    assertEquals(Admission.ADMITTED, gate.admit("192.0.2.1"), "a released place is usable again");
  }

  @Test
  void listenerCapCountsEveryAddress() {
    ConnectionGate gate = gate(2, 0);
    assertEquals(Admission.ADMITTED, gate.admit("192.0.2.1"));
    assertEquals(Admission.ADMITTED, gate.admit("192.0.2.2"));
    assertEquals(Admission.LIMIT, gate.admit("192.0.2.3"));
    gate.release("192.0.2.2");
    assertEquals(1, gate.open());
    assertEquals(Admission.ADMITTED, gate.admit("192.0.2.3"));
  }

  @Test
  void ipv6ClientsCountByTheir64() throws Exception {
    assertEquals("2001:db8:0:1:0:0:0:0/64", ConnectionGate.client(InetAddress.getByName("2001:db8:0:1:aaaa::1")));
    assertEquals(ConnectionGate.client(InetAddress.getByName("2001:db8:0:1::1")),
        ConnectionGate.client(InetAddress.getByName("2001:db8:0:1:ffff:ffff:ffff:ffff")));
    assertEquals("192.0.2.7", ConnectionGate.client(InetAddress.getByName("192.0.2.7")));
  }
}
