package stream.terminal.lastmile.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.NodeTools;

/** The browser client's own unit tests ({@code node --test}, fake transports), run by the Maven build. */
class ClientUnitTest {
  @Test
  void nodeUnitTestsPass() throws Exception {
    NodeTools.requireNode();
    Process node = new ProcessBuilder("node", "--test", "--test-reporter=spec", "test/unit/")
        .directory(NodeTools.CLIENT_DIR.toFile())
        .redirectErrorStream(true)
        .start();
    node.getOutputStream().close();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!node.waitFor(120, TimeUnit.SECONDS)) {
      node.destroyForcibly();
    }
    assertEquals(0, node.exitValue(), "node --test test/unit/ in " + NodeTools.CLIENT_DIR + ":\n" + output);
  }
}
