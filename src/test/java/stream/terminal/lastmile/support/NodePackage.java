package stream.terminal.lastmile.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Node.js package of test scripts under {@code src/test/js}: its npm dependencies are installed with
 * {@code npm ci} when its lock file changed since the last install, and its scripts run to their end. A missing
 * {@code node} or {@code npm} fails the test with what to install.
 */
public final class NodePackage {
  private static final String STAMP = "node_modules/.lastmile-lock.sha256";
  private final Path dir;

  private NodePackage(Path dir) {
    this.dir = dir;
  }

  /** The package at {@code src/test/js/<name>}, its dependencies installed. */
  public static synchronized NodePackage installed(String name) throws Exception {
    NodePackage pkg = new NodePackage(Path.of("src/test/js", name).toAbsolutePath());
    String lock = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(pkg.dir.resolve("package-lock.json"))));
    Path stamp = pkg.dir.resolve(STAMP);
    if (!Files.exists(stamp) || !Files.readString(stamp).equals(lock)) {
      Result install = pkg.run(300, "npm", "ci", "--no-audit", "--no-fund", "--prefer-offline");
      if (install.exit() != 0) {
        fail("npm ci failed in " + pkg.dir + ":\n" + install.output());
      }
      Files.writeString(stamp, lock);
    }
    return pkg;
  }

  /** What a script printed (stdout and stderr together) and its exit status. */
  public record Result(int exit, String output) {}

  /** Runs {@code node script args...} in the package; a script still running after the timeout is killed. */
  public Result node(int timeoutSeconds, String script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    return run(timeoutSeconds, command.toArray(String[]::new));
  }

  private Result run(int timeoutSeconds, String... command) throws Exception {
    Process process;
    try {
      process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      return fail(command[0] + " is needed for the Node tests in " + dir + " (Node.js 20+ with npm; Debian: apt-get"
          + " install nodejs npm): " + e.getMessage());
    }
    process.getOutputStream().close();
    // read on another thread, so a script that hangs still meets the timeout below
    var output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(output unreadable: " + e + ")";
      }
    });
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return fail(String.join(" ", command) + " did not end within " + timeoutSeconds + " s:\n"
          + output.get(10, TimeUnit.SECONDS));
    }
    return new Result(process.exitValue(), output.get(10, TimeUnit.SECONDS));
  }
}
