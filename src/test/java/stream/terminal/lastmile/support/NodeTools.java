package stream.terminal.lastmile.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Node.js and Chromium for the browser client's tests. A missing tool fails the test with what to install;
 * only {@code -Dbrowser.tests=skip} skips them. The client package's npm dependencies are installed with
 * {@code npm ci} when its lock file changed since the last install (not at all offline once installed).
 */
public final class NodeTools {
  /** The client package (src/main/js/client), from the build. */
  public static final Path CLIENT_DIR = Path.of(System.getProperty("client.dir", "src/main/js/client"));
  public static final Path CHROMIUM = Path.of(System.getProperty("chromium.path", "/usr/bin/chromium"));
  private static final int NODE_MAJOR = 20;
  private static final String STAMP = "node_modules/.lastmile-lock.sha256";

  private NodeTools() {}

  /** Node 20+ (and npm's packages) for the client's unit tests; skipped only on {@code -Dbrowser.tests=skip}. */
  public static void requireNode() {
    Assumptions.assumeFalse("skip".equals(System.getProperty("browser.tests")),
        "-Dbrowser.tests=skip: the browser client's Node and Chromium tests are skipped");
    String version = run(List.of("node", "--version"), CLIENT_DIR, 30,
        "Node.js " + NODE_MAJOR + "+ is needed for the browser client's tests: install it (Debian: apt-get install nodejs npm)"
            + " or pass -Dbrowser.tests=skip");
    int major = Integer.parseInt(version.strip().replaceFirst("^v(\\d+).*", "$1"));
    if (major < NODE_MAJOR) {
      fail("Node.js " + NODE_MAJOR + "+ is needed for the browser client's tests, found " + version.strip());
    }
  }

  /** As {@link #requireNode()}, plus Chromium and the package's npm dependencies (playwright-core). */
  public static synchronized void requireBrowser() {
    requireNode();
    if (!Files.isExecutable(CHROMIUM)) {
      fail("Chromium is needed for the browser client's tests at " + CHROMIUM + ": install it (Debian: apt-get install"
          + " chromium), set -Dchromium.path=..., or pass -Dbrowser.tests=skip");
    }
    installPackages(CLIENT_DIR);
  }

  /** The npm dependencies of the package at {@code dir}, installed with {@code npm ci} when its lock file changed. */
  public static synchronized void installPackages(Path dir) {
    try {
      String lock = sha256(Files.readAllBytes(dir.resolve("package-lock.json")));
      Path stamp = dir.resolve(STAMP);
      if (Files.exists(stamp) && Files.readString(stamp).equals(lock)) {
        return;
      }
      run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"), dir, 300,
          "npm ci failed in " + dir + " (npm comes with Node.js; Debian: apt-get install npm)");
      Files.writeString(stamp, lock);
    } catch (IOException e) {
      throw new AssertionError("cannot install the dependencies of " + dir + ": " + e, e);
    }
  }

  /** Runs a command to its end and returns its output; fails with {@code help} and the output otherwise. */
  private static String run(List<String> command, Path dir, int timeoutSeconds, String help) {
    try {
      Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail(help + ": " + String.join(" ", command) + " did not end within " + timeoutSeconds + " s");
      }
      String text = new String(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        fail(help + ": " + String.join(" ", command) + " exited with " + process.exitValue() + "\n" + text);
      }
      return text;
    } catch (IOException e) {
      return fail(help + " (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted while running " + command);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
