package stream.terminal.lastmile.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The packaged jar carries the gateway and its dependencies only: no benchmark, abuse or demo programs. */
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
    }
  }
}
