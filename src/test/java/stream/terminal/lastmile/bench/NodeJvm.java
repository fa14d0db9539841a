package stream.terminal.lastmile.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A fresh last-mile node in its own JVM for a benchmark harness, pinned with {@code taskset} to the server CPUs and
 * started from a YAML file it writes: an edge and an ingest listener on free loopback ports, whatever else the
 * harness's configuration says. Closing stops it with SIGTERM.
 */
public final class NodeJvm implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  /** The node's configuration, given the ports its edge and ingest listeners must bind. */
  @FunctionalInterface
  public interface Config {
    String yaml(int edgePort, int ingestPort);
  }

  private final Process process;
  private final int edgePort;
  private final int ingestPort;
  /** Stops the node if the harness is interrupted (Ctrl-C in its script): its JVM must not be left behind. */
  private final Thread onExit;

  private NodeJvm(Process process, int edgePort, int ingestPort) {
    this.process = process;
    this.edgePort = edgePort;
    this.ingestPort = ingestPort;
    this.onExit = new Thread(process::destroy);
    Runtime.getRuntime().addShutdownHook(onExit);
  }

  /**
   * Starts {@code jar} and waits for its ready line.
   *
   * @param work where node.yaml and node.log are written
   * @param serverCpus the cores for {@code taskset -c}
   */
  public static NodeJvm start(Path work, String jar, String serverCpus, Config config) throws Exception {
    Files.createDirectories(work);
    int edge = freePort();
    int ingest = freePort();
    Path file = work.resolve("node.yaml");
    Files.writeString(file, config.yaml(edge, ingest));
    Path log = work.resolve("node.log");
    ProcessBuilder builder = new ProcessBuilder("taskset", "-c", serverCpus, "java", "-Xms256m", "-Xmx1g",
        "-XX:+UseG1GC", "-jar", jar, "--config", file.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    // these benchmarks measure a warm node after their own warm-up: the self warm-up would only delay them
    builder.environment().put("LASTMILE_WARMUP", "false");
    Process process = builder.start();
    NodeJvm node = new NodeJvm(process, edge, ingest);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    // the node's log is the only sign of readiness it gives; polled, as scripts/bench does
    while (!Files.readString(log).contains("last-mile ready")) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        node.close();
        throw new IllegalStateException("the node did not start; " + log + ":\n" + Files.readString(log));
      }
      process.waitFor(100, TimeUnit.MILLISECONDS);
    }
    return node;
  }

  /** taskset execs java, so this is the JVM's pid. */
  public long pid() {
    return process.pid();
  }

  public int edgePort() {
    return edgePort;
  }

  public int ingestPort() {
    return ingestPort;
  }

  @Override
  public void close() throws Exception {
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException exiting) {
      // called from another shutdown hook: the JVM is exiting and runs onExit itself
    }
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * A harness's {@code main}: options parsed by {@code parse} (exit 2 with the message when they are wrong), then
   * the report {@code run} makes printed (exit 1 with the failure).
   */
  public static <O> void main(String harness, String[] args, Function<String[], O> parse, Report<O> run) {
    O options;
    try {
      options = parse.apply(args);
    } catch (IllegalArgumentException e) {
      System.err.println(harness + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    int status = 0;
    try {
      System.out.print(run.make(options));
    } catch (Throwable e) {
      System.err.println(harness + " failed: " + e);
      status = 1;
    }
    System.exit(status);
  }

  /** What a harness prints, from its options. */
  @FunctionalInterface
  public interface Report<O> {
    String make(O options) throws Exception;
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }
}
