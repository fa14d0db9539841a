package stream.terminal.lastmile.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.terminal.lastmile.support.LauncherProcess;

/** The launcher, run as operators run it, refuses bad configurations with one clear line and a distinct exit code. */
class MainConfigErrorTest {
  @TempDir Path dir;

  private static final String VALID =
      """
      node:
        edge_instances: 1
        shutdown_grace_ms: 100
      listeners:
        - name: public
          role: edge
          host: 127.0.0.1
          port: EDGE_PORT
        - name: private
          role: ingest
          host: 127.0.0.1
          port: 0
      """;

  private Path config(String text) throws Exception {
    Path file = dir.resolve("last-mile.yaml");
    Files.writeString(file, text);
    return file;
  }

  private LauncherProcess.Result launch(Path configFile) throws Exception {
    return LauncherProcess.run(dir, Map.of(), "--config", configFile.toString());
  }

  /** The launcher's own lines on stderr (anything a library might log is left aside). */
  private static List<String> launcherLines(LauncherProcess.Result result) {
    return result.stderrLines().stream().filter(l -> l.startsWith("last-mile: ")).toList();
  }

  private static void assertNoStackTrace(LauncherProcess.Result result) {
    assertFalse(result.stderr().contains("\tat "), "stack trace on stderr:\n" + result.stderr());
    assertFalse(result.stdout().contains("\tat "), "stack trace on stdout:\n" + result.stdout());
  }

  private void assertRefused(String yaml, String option) throws Exception {
    LauncherProcess.Result result = launch(config(yaml));
    assertEquals(2, result.exitCode(), "stderr:\n" + result.stderr());
    List<String> lines = launcherLines(result);
    assertEquals(1, lines.size(), "stderr:\n" + result.stderr());
    assertTrue(lines.get(0).startsWith("last-mile: invalid configuration: " + option + ": "), lines.get(0));
    assertNoStackTrace(result);
  }

  @Test
  void portOutOfRangeExitsWith2AndNamesTheOption() throws Exception {
    assertRefused(VALID.replace("EDGE_PORT", "70000"), "listeners[0].port");
  }

  @Test
  void unknownOptionExitsWith2AndNamesIt() throws Exception {
    assertRefused(VALID.replace("EDGE_PORT", "0").replace("  shutdown_grace_ms", "  shutdown_grace_msec"),
        "node.shutdown_grace_msec");
  }

  @Test
  void edgeGrantingPublishExitsWith2() throws Exception {
    assertRefused(VALID.replace("port: EDGE_PORT", "port: 0\n    permissions: [subscribe, publish]"),
        "listeners[0].permissions");
  }

  @Test
  void ingestOffLoopbackWithoutTokensExitsWith2NamingTheListener() throws Exception {
    // the ingest listener only: the edge's port is still the placeholder
    String yaml = VALID.replace("host: 127.0.0.1\n    port: 0", "host: 0.0.0.0\n    port: 0").replace("EDGE_PORT", "0");
    LauncherProcess.Result result = launch(config(yaml));
    assertEquals(2, result.exitCode(), "stderr:\n" + result.stderr());
    List<String> lines = launcherLines(result);
    assertEquals(1, lines.size(), "stderr:\n" + result.stderr());
    assertTrue(lines.get(0).startsWith("last-mile: invalid configuration: listeners[1].host: ingest listener 'private'"),
        lines.get(0));
    assertNoStackTrace(result);
  }

  @Test
  void missingConfigFileExitsWith2WithoutStackTrace() throws Exception {
    LauncherProcess.Result result = launch(dir.resolve("absent.yaml"));
    assertEquals(2, result.exitCode(), "stderr:\n" + result.stderr());
    List<String> lines = launcherLines(result);
    assertEquals(1, lines.size(), "stderr:\n" + result.stderr());
    assertTrue(lines.get(0).startsWith("last-mile: cannot read configuration file"), lines.get(0));
    assertNoStackTrace(result);
  }

  @Test
  void unparsableYamlExitsWith2WithoutStackTrace() throws Exception {
    LauncherProcess.Result result = launch(config("listeners: [unclosed\n"));
    assertEquals(2, result.exitCode(), "stderr:\n" + result.stderr());
    List<String> lines = launcherLines(result);
    assertEquals(1, lines.size(), "stderr:\n" + result.stderr());
    assertTrue(lines.get(0).startsWith("last-mile: cannot parse configuration file"), lines.get(0));
    assertNoStackTrace(result);
  }

  @Test
  void badEnvironmentOverrideExitsWith2NamingTheVariable() throws Exception {
    LauncherProcess.Result result =
        LauncherProcess.run(dir, Map.of("LASTMILE_EDGE_PORT", "abc"), "--config", config(VALID.replace("EDGE_PORT", "0")).toString());
    assertEquals(2, result.exitCode(), "stderr:\n" + result.stderr());
    List<String> lines = launcherLines(result);
    assertEquals(1, lines.size(), "stderr:\n" + result.stderr());
    assertTrue(lines.get(0).startsWith("last-mile: invalid configuration: listeners[0].port: "), lines.get(0));
    assertTrue(lines.get(0).contains("LASTMILE_EDGE_PORT"), lines.get(0));
    assertNoStackTrace(result);
  }

  @Test
  void unknownArgumentExitsWith2() throws Exception {
    LauncherProcess.Result result = LauncherProcess.run(dir, Map.of(), "--confg", "x.yaml");
    assertEquals(2, result.exitCode(), "stderr:\n" + result.stderr());
    assertTrue(launcherLines(result).get(0).contains("--confg"), result.stderr());
    assertNoStackTrace(result);
  }

  @Test
  void portAlreadyInUseExitsWith1NamingTheListener() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      LauncherProcess.Result result = launch(config(VALID.replace("EDGE_PORT", String.valueOf(taken.getLocalPort()))));
      assertEquals(1, result.exitCode(), "stderr:\n" + result.stderr());
      List<String> lines = launcherLines(result);
      assertEquals(1, lines.size(), "stderr:\n" + result.stderr());
      assertTrue(lines.get(0).startsWith("last-mile: cannot start: "), lines.get(0));
      assertTrue(lines.get(0).contains("'public'"), lines.get(0));
      assertTrue(lines.get(0).contains(String.valueOf(taken.getLocalPort())), lines.get(0));
    }
  }
}
