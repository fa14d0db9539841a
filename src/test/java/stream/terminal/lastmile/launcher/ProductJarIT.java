package stream.terminal.lastmile.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.terminal.lastmile.support.GatewayProcess;
import stream.terminal.lastmile.support.Http;

/**
 * The packaged jar carries the gateway, the client library its commands use, and their dependencies only: no
 * benchmark, abuse or demo programs.
 */
class ProductJarIT {
  private static final List<String> LEFT_OUT = List.of(
      "stream/terminal/lastmile/bench/", "stream/terminal/lastmile/demo/", "org/jfree/", "org/HdrHistogram/");

  @Test
  void holdsTheGatewayAndNotTheTools() throws Exception {
    try (JarFile jar = new JarFile(System.getProperty("lastmile.jar", "target/last-mile.jar"))) {
      List<String> strays = jar.stream().map(ZipEntry::getName)
          .filter(name -> LEFT_OUT.stream().anyMatch(name::startsWith)).limit(5).toList();
      assertEquals(List.of(), strays);
      assertTrue(jar.getEntry("stream/terminal/lastmile/launcher/Main.class") != null);
      assertTrue(jar.getEntry("stream/terminal/lastmile/edge/demo/index.html") != null, "the demo page is served from the jar");
      assertTrue(jar.getEntry("web/client.js") != null, "the browser client is served from the jar");
      assertTrue(jar.getEntry("stream/terminal/lastmile/sdk/LastMileClient.class") != null);
    }
  }

  /**
   * The jar's node warms itself up before it logs ready (WarmupTest covers the warm-up itself; here: nothing it
   * needs is missing from the jar), then serves.
   */
  @Test
  void warmsUpBeforeItIsReady(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("node.yaml");
    Files.writeString(config, """
        node: {warmup: {max_ms: 500}}
        listeners:
          - {name: public, role: edge, host: 127.0.0.1, port: 0}
          - {name: private, role: ingest, host: 127.0.0.1, port: 0}
        """);
    try (GatewayProcess node = GatewayProcess.startJar(config, Map.of("LASTMILE_WARMUP", "true"))) {
      Map<String, Integer> ports = node.awaitReady();
      String output = node.output();
      assertTrue(output.contains("INFO    stream.terminal.lastmile.node.SelfWarmup: self warm-up: "), output);
      assertFalse(output.contains("self warm-up failed"), output);
      assertTrue(output.indexOf("self warm-up: ") < output.indexOf("last-mile ready"), output);
      assertEquals(201, Http.put(ports.get("private"), "/channels/after.warmup").status());
    }
  }

  /**
   * The client commands run from the jar with their runtime (vertx-grpc-client must not be left to tests'
   * scope): against a port where nothing listens they report {@code unavailable}, not a missing class.
   */
  @Test
  void runsTheClientCommands() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", System.getProperty("lastmile.jar", "target/last-mile.jar"), "channels", "--ingest",
        "127.0.0.1:" + port).redirectErrorStream(true).start();
    try {
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the command ends");
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(1, process.exitValue(), output);
      assertTrue(output.startsWith("last-mile channels: unavailable:"), output);
    } finally {
      process.destroyForcibly();
    }
  }
}
