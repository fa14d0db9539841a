package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.NodePackage;
import stream.terminal.lastmile.support.TestGateway;

/**
 * The {@code eventsource} npm package (the browser's EventSource, for Node) against a real node
 * ({@code src/test/js/sse/sse.test.mjs}): live events, a resume by {@code Last-Event-ID} through the backlog
 * with nothing missed or repeated, and a refused stream seen as an error with its HTTP status.
 */
class SseNodeTest {
  private TestGateway gateway;

  @BeforeEach
  void start() throws Exception {
    gateway = new TestGateway().start();
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
  }

  @Test
  void eventSourceReceivesAndResumes() throws Exception {
    NodePackage.Result run = NodePackage.installed("sse").node(60, "sse.test.mjs",
        "http://127.0.0.1:" + gateway.edgePort(), "http://127.0.0.1:" + gateway.ingestPort());
    assertEquals(0, run.exit(), run.output());
    assertTrue(run.output().contains("# pass 2"), run.output());
  }
}
