package stream.terminal.lastmile.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Node.js package of test scripts under {@code src/test/js}, its npm dependencies installed by
 * {@link NodeTools#installPackages}; Node itself is checked (and the tests skipped on {@code -Dbrowser.tests=skip})
 * as for the browser client's tests.
 */
public final class NodePackage {
  private final Path dir;

  private NodePackage(Path dir) {
    this.dir = dir;
  }

  /** The package at {@code src/test/js/<name>}, its dependencies installed. */
  public static NodePackage installed(String name) {
    NodeTools.requireNode();
    NodePackage pkg = new NodePackage(Path.of("src/test/js", name).toAbsolutePath());
    NodeTools.installPackages(pkg.dir);
    return pkg;
  }

  /** What a script printed (stdout and stderr together) and its exit status. */
  public record Result(int exit, String output) {}

  /** Runs {@code node script args...} in the package; a script still running after the timeout is killed. */
  public Result node(int timeoutSeconds, String script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    // read on another thread, so a script that hangs still meets the timeout below
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
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
