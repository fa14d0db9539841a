package stream.terminal.lastmile.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.config.Limits;
import stream.terminal.lastmile.config.PerIpRates;
import stream.terminal.lastmile.net.ConnectionGate.Admission;

class ConnectionGateTest {
  private static ConnectionGate gate(int max, int perIp) {
    return gate(max, perIp, PerIpRates.NONE);
  }

  private static ConnectionGate gate(int max, int perIp, PerIpRates rates) {
    Limits d = Limits.EDGE_DEFAULTS;
    return new ConnectionGate("test", new Limits(max, d.maxFrameBytes(), d.maxDataBytes(), d.commandsPerSecond(),
        d.burst(), d.maxSubscriptions(), d.writeQueueBytes(), d.pingIntervalMs(), d.idleTimeoutMs(),
        d.handshakeTimeoutMs(), d.keepAliveTimeoutMs(), perIp, d.maxUnwritableMs(), rates));
  }

  @Test
  void connectionRateHoldsTwoSecondsOfConnectionsPerAddressEvenWhenEachClosesAtOnce() {
    ConnectionGate gate = gate(100, 0, new PerIpRates(2, 0, 0, 0));
    for (int i = 0; i < 4; i++) {
      assertEquals(Admission.ADMITTED, gate.admit("192.0.2.1"));
      gate.release("192.0.2.1");
    }
    assertEquals(Admission.CONNECTION_RATE, gate.admit("192.0.2.1"), "closing does not give the budget back");
    assertEquals(Admission.ADMITTED, gate.admit("192.0.2.2"), "another address has its own");
    assertEquals(1, gate.open(), "a refusal holds no place");
  }

  @Test
  void addressesWithoutConnectionsAreForgottenOnceTheirBudgetsRefill() {
    ConnectionGate gate = gate(100, 0, new PerIpRates(1000, 0, 0, 0));
    gate.admit("192.0.2.1");
    gate.admit("192.0.2.2");
    gate.release("192.0.2.1");
    assertEquals(2, gate.addresses(), "a budget in use is remembered after the last close");
    gate.sweep(System.nanoTime() + 10_000_000_000L);
    assertEquals(1, gate.addresses(), "the open address stays; the rested one is forgotten");
    assertEquals(Admission.ADMITTED, gate.admit("192.0.2.1"));
  }

  @Test
  void workIsChargedAfterTheFactAndTheDebtSaysHowLongReadingWaits() {
    ConnectionGate gate = gate(100, 0, new PerIpRates(0, 10, 1000, 0));
    gate.admit("192.0.2.1");
    AddressBudget budget = gate.budget("192.0.2.1");
    long now = System.nanoTime();
    assertEquals(null, budget.debt(now), "a fresh budget holds two seconds");
    budget.chargeFrames(25); // 20 held: 5 frames of debt at 10 per second
    AddressBudget.Debt debt = budget.debt(now);
    assertEquals(AddressBudget.Work.FRAMES, debt.budget());
    assertTrue(debt.nanos() > 400_000_000L && debt.nanos() <= 500_000_000L, "about half a second: " + debt.nanos());
    budget.chargeRead(4000); // 2,000 of debt at 1,000 per second: the deeper one decides
    assertEquals(AddressBudget.Work.READ_BYTES, budget.debt(now).budget());
    assertEquals(null, budget.debt(now + 3_000_000_000L), "paid after the wait");
    assertEquals(AddressBudget.UNLIMITED, gate(100, 0).budget("192.0.2.1"), "no budgets, nothing to charge");
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
