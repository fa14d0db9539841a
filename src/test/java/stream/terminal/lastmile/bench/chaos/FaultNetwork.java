package stream.terminal.lastmile.bench.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The network faults between nodes on one machine. Each node has a loopback address of its own (Hazelcast binds
 * only an address an interface carries) and a uid of its own; a cut is a set of iptables DROP rules, healed by
 * flushing them. Two chains named after this process: {@code LM-CHAOS-<pid>} (jumped to from INPUT and OUTPUT)
 * drops packets between two nodes' addresses, both ways; {@code LM-CHAOS-<pid>-UID} (from OUTPUT: the owner match
 * works only there) drops what a node's uid sends to the other side's addresses. The second is needed because the
 * event bus connects without binding its node's address: a connection to node B leaves with B's address as its
 * source whoever opens it, so only the sender's uid says which side it comes from. {@link #close()} removes the
 * rules, both chains and every address it added, also from a shutdown hook (Ctrl-C).
 */
final class FaultNetwork implements AutoCloseable {
  /** The loopback addresses reserved for the harness (docs/operations.md, "Partition harness"). */
  private static final int FIRST = 21;
  private static final int LAST = 29;

  private final String chain;
  private final String uidChain;
  private final List<String> added = new ArrayList<>();
  private final Thread hook = new Thread(this::cleanUp, "chaos-network-cleanup");
  private boolean chains;

  FaultNetwork() {
    long pid = ProcessHandle.current().pid();
    chain = "LM-CHAOS-" + pid;
    uidChain = "LM-CHAOS-" + pid + "-UID";
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Why this machine cannot run the harness (not root, no iptables, ip or setpriv), or null when it can. */
  static String unavailable() {
    try {
      String status = Files.readString(Path.of("/proc/self/status"), StandardCharsets.US_ASCII);
      if (!status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElse("").split("\\s+")[1].equals("0")) {
        return "the partition harness needs root (iptables rules, loopback addresses, a uid per node)";
      }
      for (List<String> probe : List.of(List.of("iptables", "-w", "-S", "OUTPUT"), List.of("ip", "-4", "addr", "show", "dev", "lo"),
          List.of("setpriv", "--version"))) {
        if (run(probe) != 0) {
          return "the partition harness needs iptables, iproute2 and setpriv: '" + String.join(" ", probe) + "' failed";
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return "the partition harness cannot run here: " + e;
    }
  }

  /** Adds {@code count} addresses of 127.0.0.21-29 that lo does not carry yet (another run may hold some). */
  List<String> claimAddresses(int count) throws IOException {
    String carried = output(List.of("ip", "-4", "-o", "addr", "show", "dev", "lo"));
    List<String> claimed = new ArrayList<>();
    for (int last = FIRST; last <= LAST && claimed.size() < count; last++) {
      String address = "127.0.0." + last;
      if (!carried.contains(" " + address + "/")) {
        check(List.of("ip", "addr", "add", address + "/32", "dev", "lo"));
        added.add(address);
        claimed.add(address);
      }
    }
    if (claimed.size() < count) {
      throw new IOException("fewer than " + count + " of 127.0.0." + FIRST + "-" + LAST + " are free on lo: " + carried);
    }
    return claimed;
  }

  /** Cuts every node of {@code side} off from every node of {@code others}, both ways. */
  void cut(Collection<Node> side, Collection<Node> others) throws IOException {
    if (!chains) {
      check(List.of("iptables", "-w", "-N", chain));
      check(List.of("iptables", "-w", "-N", uidChain));
      chains = true;
      check(List.of("iptables", "-w", "-I", "INPUT", "1", "-j", chain));
      check(List.of("iptables", "-w", "-I", "OUTPUT", "1", "-j", chain));
      check(List.of("iptables", "-w", "-I", "OUTPUT", "1", "-j", uidChain));
    }
    for (Node a : side) {
      for (Node b : others) {
        for (Node[] pair : new Node[][] {{a, b}, {b, a}}) {
          check(List.of("iptables", "-w", "-A", chain, "-s", pair[0].address(), "-d", pair[1].address(), "-j", "DROP"));
          check(List.of("iptables", "-w", "-A", uidChain, "-m", "owner", "--uid-owner", String.valueOf(pair[0].uid()),
              "-d", pair[1].address(), "-j", "DROP"));
        }
      }
    }
  }

  /** Removes every cut. */
  void heal() throws IOException {
    if (chains) {
      check(List.of("iptables", "-w", "-F", chain));
      check(List.of("iptables", "-w", "-F", uidChain));
    }
  }

  @Override
  public void close() {
    cleanUp();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }

  /** Best effort, every step whatever the previous one did: a leftover rule would cut the next run's nodes. */
  private synchronized void cleanUp() {
    if (chains) {
      for (List<String> step : List.of(
          List.of("iptables", "-w", "-D", "INPUT", "-j", chain), List.of("iptables", "-w", "-D", "OUTPUT", "-j", chain),
          List.of("iptables", "-w", "-D", "OUTPUT", "-j", uidChain), List.of("iptables", "-w", "-F", chain),
          List.of("iptables", "-w", "-F", uidChain), List.of("iptables", "-w", "-X", chain),
          List.of("iptables", "-w", "-X", uidChain))) {
        quietly(step);
      }
      chains = false;
    }
    for (String address : added) {
      quietly(List.of("ip", "addr", "del", address + "/32", "dev", "lo"));
    }
    added.clear();
  }

  private static void quietly(List<String> command) {
    try {
      run(command);
    } catch (IOException | RuntimeException ignored) {
      // cleaning up: go on with the next step
    }
  }

  private static void check(List<String> command) throws IOException {
    if (run(command) != 0) {
      throw new IOException("failed: " + String.join(" ", command));
    }
  }

  private static int run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    return waitFor(process, command);
  }

  private static String output(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (waitFor(process, command) != 0) {
      throw new IOException("failed: " + String.join(" ", command) + ": " + out);
    }
    return out;
  }

  private static int waitFor(Process process, List<String> command) throws IOException {
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("no answer within 30 s: " + String.join(" ", command));
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }
}
