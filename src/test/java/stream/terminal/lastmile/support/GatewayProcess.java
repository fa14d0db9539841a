package stream.terminal.lastmile.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's real launcher in its own JVM (the test classpath), for what only a process shows: exit codes,
 * stderr, signals. Its log lines are collected; the ports of its listeners are read from the "ready" line.
 */
public final class GatewayProcess implements AutoCloseable {
  private static final Pattern LISTENER = Pattern.compile("(\\w[\\w-]*) (edge|ingest|ops) [^ ,]+:(\\d+)");

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final BlockingQueue<String> pending = new LinkedBlockingQueue<>();
  private final Thread reader;

  private GatewayProcess(Process process) {
    this.process = process;
    reader = new Thread(this::pump, "gateway-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** The launcher from the test classpath. */
  public static GatewayProcess start(Path config, Map<String, String> env) throws IOException {
    return start(List.of("-cp", System.getProperty("java.class.path"), "stream.terminal.lastmile.launcher.Main"),
        config, env);
  }

  /** The packaged jar (integration tests: the property {@code lastmile.jar} names it). */
  public static GatewayProcess startJar(Path config, Map<String, String> env) throws IOException {
    return startJar(config, env, List.of());
  }

  /**
   * The packaged jar, its JVM started by {@code wrapper} (a command that runs the rest of the command line, such
   * as {@code setpriv --reuid=N ...}: the partition harness gives each node a uid of its own).
   */
  public static GatewayProcess startJar(Path config, Map<String, String> env, List<String> wrapper) throws IOException {
    String jar = System.getProperty("lastmile.jar", "target/last-mile.jar");
    return start(wrapper, List.of("-Xmx256m", "-jar", jar), config, env);
  }

  private static GatewayProcess start(List<String> launch, Path config, Map<String, String> env) throws IOException {
    return start(List.of(), launch, config, env);
  }

  private static GatewayProcess start(List<String> wrapper, List<String> launch, Path config, Map<String, String> env)
      throws IOException {
    List<String> command = new ArrayList<>(wrapper);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Djava.net.preferIPv4Stack=true");
    command.addAll(launch);
    if (config != null) {
      command.add("--config");
      command.add(config.toString());
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // no self warm-up: a test's node must be ready at once (WarmupTest covers it); a test's env may turn it on
    builder.environment().put("LASTMILE_WARMUP", "false");
    builder.environment().putAll(env);
    return new GatewayProcess(builder.start());
  }

  private void pump() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lines.add(line);
        pending.add(line);
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  /** Waits for the "last-mile ready" line and returns listener name → port; fails if the process dies first. */
  public Map<String, Integer> awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      String line = pending.poll(200, TimeUnit.MILLISECONDS);
      if (line != null && line.contains("last-mile ready")) {
        Map<String, Integer> ports = new java.util.HashMap<>();
        Matcher m = LISTENER.matcher(line.substring(line.indexOf("listeners:")));
        while (m.find()) {
          ports.put(m.group(1), Integer.parseInt(m.group(3)));
        }
        return ports;
      }
      if (line == null && !process.isAlive()) {
        throw new AssertionError("gateway exited with " + process.exitValue() + ":\n" + output());
      }
    }
    throw new AssertionError("gateway not ready within 120 s:\n" + output());
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Sends SIGKILL: the node vanishes without a word to its clients or the cluster. */
  public void kill() {
    process.toHandle().destroyForcibly();
  }

  /** Sends SIGTERM (through the handle: Process.destroy would also close our end of its output). */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** Waits for the exit and returns its status; fails after the timeout. */
  public int awaitExit(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError("gateway still running after " + seconds + " s:\n" + output());
    }
    reader.join(TimeUnit.SECONDS.toMillis(seconds)); // the last lines may still be in the pipe
    return process.exitValue();
  }

  public String output() {
    return String.join("\n", lines);
  }

  /** Waits up to the bound for an exit already asked for; false if the process is still running. */
  public boolean awaitExitQuietly(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
