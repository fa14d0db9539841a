package stream.terminal.lastmile.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Extra loopback addresses and the iptables rules that cut them apart, for tests that run cluster members on
 * addresses of their own (Hazelcast binds only an address an interface carries). The rules live in a chain of
 * the test's own, named after the test and the JVM's pid and jumped to from INPUT and OUTPUT, so {@link #close()}
 * removes exactly what this test added, also when it fails (and a shutdown hook does if the JVM is stopped).
 * Needs root, iptables and iproute2 (CI installs them); elsewhere the test is skipped with the reason.
 */
public final class LoopbackNet implements AutoCloseable {
  private final String chain;
  private final List<String> added = new ArrayList<>();
  private final Thread hook = new Thread(this::removeQuietly);
  private boolean chained;

  /** @param test a short name, upper case, of the test: the chain is LM-{test}-{pid} */
  public LoopbackNet(String test) {
    this.chain = "LM-" + test + "-" + ProcessHandle.current().pid();
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Gives {@code lo} the address, unless it has it already (another run left it, or the harness shares it). Skips
   * the test (a JUnit assumption) on a machine where this cannot be done.
   */
  public void address(String ip) throws IOException, InterruptedException {
    Assumptions.assumeTrue(usable(), "needs root, iptables and iproute2 (extra loopback addresses, iptables rules)");
    if (!run(List.of("ip", "addr", "show", "dev", "lo")).contains("inet " + ip + "/")) {
      exec("ip", "addr", "add", ip + "/32", "dev", "lo");
      added.add(ip);
    }
  }

  /** Drops every packet between {@code a} and the given addresses, both ways. */
  public void cut(String a, String... others) throws IOException, InterruptedException {
    if (!chained) {
      exec("iptables", "-N", chain);
      exec("iptables", "-I", "INPUT", "-j", chain);
      exec("iptables", "-I", "OUTPUT", "-j", chain);
      chained = true;
    }
    for (String b : others) {
      exec("iptables", "-A", chain, "-s", a, "-d", b, "-j", "DROP");
      exec("iptables", "-A", chain, "-s", b, "-d", a, "-j", "DROP");
    }
  }

  /** Removes every rule: the network is whole again. */
  public void heal() throws IOException, InterruptedException {
    if (chained) {
      exec("iptables", "-F", chain);
    }
  }

  private static boolean usable() throws IOException, InterruptedException {
    String status = Files.readString(Path.of("/proc/self/status"));
    boolean root = status.lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
    return root && succeeds("iptables", "-w", "-S", "OUTPUT") && succeeds("ip", "-4", "addr", "show", "dev", "lo");
  }

  private static boolean succeeds(String... command) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      return p.waitFor() == 0;
    } catch (IOException missing) {
      return false;
    }
  }

  @Override
  public void close() {
    removeQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyStopping) {
      // the hook runs, or has run
    }
  }

  private synchronized void removeQuietly() {
    if (chained) {
      runQuietly("iptables", "-D", "INPUT", "-j", chain);
      runQuietly("iptables", "-D", "OUTPUT", "-j", chain);
      runQuietly("iptables", "-F", chain);
      runQuietly("iptables", "-X", chain);
      chained = false;
    }
    for (String ip : added) {
      runQuietly("ip", "addr", "del", ip + "/32", "dev", "lo");
    }
    added.clear();
  }

  private static void runQuietly(String... command) {
    try {
      run(List.of(command));
    } catch (IOException | InterruptedException | IllegalStateException e) {
      System.err.println("LoopbackNet: " + String.join(" ", command) + ": " + e.getMessage());
    }
  }

  private static void exec(String... command) throws IOException, InterruptedException {
    run(List.of(command));
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip());
    }
    return output;
  }
}
