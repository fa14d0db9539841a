package stream.terminal.lastmile.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.terminal.lastmile.support.Keys;
import stream.terminal.lastmile.support.TestGateway;

/**
 * The client subcommands' gRPC paths (Publish, PublishStream, History) against the node's own gRPC service on an
 * ingest listener with {@code grpc: true}.
 */
class ClientCommandsGrpcTest {
  private static final String KEY = Keys.apiKey();
  private static TestGateway gateway;
  private static Map<String, String> env;

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway();
    gateway.config().put("identity", new JsonObject().put("api_keys", new JsonArray()
        .add(new JsonObject().put("id", "feed").put("hash", Keys.hash(KEY))
            .put("channels", new JsonArray().add("grpc.*")))));
    gateway.config().put("channels", new JsonObject()
        .put("declare", new JsonArray().add("grpc.one").add("grpc.stream")));
    gateway.listenerConfig("private").put("require_identity", true).put("grpc", true);
    gateway.start();
    env = Map.of("LASTMILE_INGEST", "127.0.0.1:" + gateway.ingestPort(),
        "LASTMILE_EDGE", "ws://127.0.0.1:" + gateway.edgePort() + "/", "LASTMILE_CREDENTIAL", KEY);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void publishesOneMessageOverGrpcAndReadsItBack() {
    CommandRun published = CommandRun.run(env, "", "publish", "--channel", "grpc.one", "--data", "{\"v\":2}");
    assertEquals(0, published.status(), published.err());
    long offset = new JsonObject(published.out().trim()).getLong("offset");
    CommandRun history = CommandRun.run(env, "", "history", "--channel", "grpc.one", "--after",
        String.valueOf(offset - 1));
    assertEquals(0, history.status(), history.err());
    assertEquals(new JsonObject().put("v", 2), new JsonObject(history.out().trim()).getJsonObject("data"));
  }

  @Test
  void aFileIsStreamedInOrderAndARefusedLineDoesNotEndTheStream(@TempDir Path dir) throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 1; i <= 500; i++) {
      lines.append(i == 250 ? "{\"channel\":\"elsewhere.x\",\"data\":0}" : "{\"channel\":\"grpc.stream\",\"data\":"
          + i + "}").append('\n');
    }
    Path file = dir.resolve("stream.ndjson");
    Files.writeString(file, lines);
    CommandRun run = CommandRun.run(env, "", "publish", "--file", file.toString());
    assertEquals(1, run.status(), run.err());
    assertTrue(run.out().contains("500 messages in"), run.out());
    assertTrue(run.out().contains("499 acknowledged, 1 refused"), run.out());
    assertTrue(run.err().contains("line 250: permission_denied"), run.err());

    CommandRun history = CommandRun.run(env, "", "history", "--channel", "grpc.stream", "--all");
    List<Long> data = history.out().lines().map(l -> new JsonObject(l).getLong("data")).toList();
    assertEquals(499, data.size());
    for (int i = 1; i < data.size(); i++) {
      assertTrue(data.get(i - 1) < data.get(i), "in order");
    }
  }

  @Test
  void aCallWithoutACredentialIsUnauthenticated() {
    CommandRun run = CommandRun.run(Map.of("LASTMILE_INGEST", env.get("LASTMILE_INGEST")), "", "publish",
        "--channel", "grpc.one", "--data", "1");
    assertEquals(1, run.status());
    assertTrue(run.err().contains("unauthenticated"), run.err());
  }
}
