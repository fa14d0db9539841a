package stream.terminal.lastmile.support;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real launcher ({@code stream.terminal.lastmile.launcher.Main}) in a separate JVM with the test class
 * path, and collects its exit code, stdout and stderr. The process is always destroyed before this returns.
 */
public final class LauncherProcess {
  public static final long TIMEOUT_S = 60;

  public record Result(int exitCode, String stdout, String stderr) {
    public List<String> stderrLines() {
      return stderr.lines().toList();
    }
  }

  private LauncherProcess() {}

  /**
   * @param workingDir the process's directory; its stdout and stderr are written to files there
   * @param env variables added to the inherited environment (from which every LASTMILE_ variable is removed)
   */
  public static Result run(Path workingDir, Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Djava.net.preferIPv4Stack=true");
    command.add("-Dhazelcast.phone.home.enabled=false");
    command.add("stream.terminal.lastmile.launcher.Main");
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile());
    // the test must not pick up an operator's settings
    builder.environment().keySet().removeIf(k -> k.startsWith("LASTMILE_"));
    // no self warm-up: a test's node must be ready at once (WarmupTest covers it); a test's env may turn it on
    builder.environment().put("LASTMILE_WARMUP", "false");
    builder.environment().putAll(env);
    // output goes to files, so a chatty process can never block on a full pipe
    Path stdout = Files.createTempFile(workingDir, "launcher", ".out");
    Path stderr = Files.createTempFile(workingDir, "launcher", ".err");
    builder.redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    Process process = builder.start();
    try {
      if (!process.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        throw new AssertionError("the launcher did not exit within " + TIMEOUT_S + " s; stderr so far:\n"
            + Files.readString(stderr, StandardCharsets.UTF_8));
      }
      return new Result(
          process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8));
    } finally {
      process.destroyForcibly();
    }
  }

  private static File nullDevice() {
    return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }
}
