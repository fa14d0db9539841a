package stream.terminal.lastmile.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.terminal.lastmile.support.Keys;
import stream.terminal.lastmile.support.TestGateway;

/**
 * The client subcommands run in-process against a real node over the HTTP API and WebSocket: help, exit codes,
 * credentials from an option, a file or the environment (never echoed), NDJSON publishing, subscribe.
 * ClientCommandsGrpcTest covers the gRPC paths.
 */
class ClientCommandsTest {
  private static final String KEY = Keys.apiKey();
  private static TestGateway gateway;
  private static Map<String, String> env;

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway();
    gateway.config().put("identity", new JsonObject().put("api_keys", new JsonArray()
        .add(new JsonObject().put("id", "feed").put("hash", Keys.hash(KEY))
            .put("channels", new JsonArray().add("cli.*")))));
    gateway.config().put("channels", new JsonObject()
        .put("declare", new JsonArray().add("cli.a").add("cli.b").add("cli.sub").add("cli.stdin").add("cli.once"))
        .put("patterns", new JsonArray().add(new JsonObject().put("pattern", "cli.new.*")
            .put("create_on_publish", true))));
    gateway.listenerConfig("private").put("require_identity", true);
    gateway.start();
    env = Map.of("LASTMILE_INGEST", "127.0.0.1:" + gateway.ingestPort(),
        "LASTMILE_EDGE", "ws://127.0.0.1:" + gateway.edgePort() + "/", "LASTMILE_CREDENTIAL", KEY);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void everyCommandHasHelpAndUsageErrorsExitWith2() {
    for (String command : List.of("publish", "subscribe", "channels", "history")) {
      CommandRun help = CommandRun.run(command, "--help");
      assertEquals(0, help.status(), command);
      assertTrue(help.out().startsWith("usage: last-mile " + command), help.out());
      assertTrue(help.out().contains("LASTMILE_CREDENTIAL"), command);
    }
    CommandRun unknown = CommandRun.run("channels", "--bogus", "1");
    assertEquals(2, unknown.status());
    assertTrue(unknown.err().contains("unknown argument '--bogus'"), unknown.err());
    assertEquals(2, CommandRun.run("publish", "--channel", "c", "--data", "1", "--file", "-").status());
    assertEquals(2, CommandRun.run("publish", "--channel", "c").status());
    assertEquals(2, CommandRun.run("subscribe", "--channel", "not a name").status());
    assertEquals(2, CommandRun.run("history", "--channel", "c", "--limit", "0").status());
    assertEquals(2, CommandRun.run("channels", "--ingest", "nohostport").status());
    assertEquals(2, CommandRun.run("channels", "--credential", "a", "--credential-file", "f").status());
  }

  @Test
  void aPublishRepeatedWithItsIdempotencyKeyPrintsTheSamePositionAsADuplicate() {
    CommandRun first = CommandRun.run(env, "", "publish", "--http", "--channel", "cli.once", "--data", "1",
        "--idempotency-key", "cli-order-1");
    CommandRun again = CommandRun.run(env, "", "publish", "--http", "--channel", "cli.once", "--data", "1",
        "--idempotency-key", "cli-order-1");
    assertEquals(0, first.status(), first.err());
    assertEquals(0, again.status(), again.err());
    JsonObject stored = new JsonObject(first.out().trim());
    assertEquals(stored.copy().put("duplicate", true), new JsonObject(again.out().trim()));
    CommandRun bad = CommandRun.run(env, "", "publish", "--http", "--channel", "cli.once", "--data", "1",
        "--idempotency-key", "no spaces");
    assertEquals(1, bad.status(), bad.err());
    assertTrue(bad.err().contains("bad_request"), bad.err());
  }

  @Test
  void publishesOneMessageAndListsAndReadsBack() {
    CommandRun published = CommandRun.run(env, "", "publish", "--http", "--channel", "cli.a", "--data",
        "{\"v\":1.5}");
    assertEquals(0, published.status(), published.err());
    JsonObject stored = new JsonObject(published.out().trim());
    assertEquals("cli.a", stored.getString("channel"));
    long offset = stored.getLong("offset");

    CommandRun channels = CommandRun.run(env, "", "channels");
    assertEquals(0, channels.status(), channels.err());
    assertTrue(channels.out().lines().anyMatch(l -> new JsonObject(l).getString("channel").equals("cli.a")));

    CommandRun history = CommandRun.run(env, "", "history", "--http", "--channel", "cli.a", "--after",
        String.valueOf(offset - 1));
    assertEquals(0, history.status(), history.err());
    JsonObject message = new JsonObject(history.out().trim());
    assertEquals(offset, message.getLong("offset"));
    assertEquals(new JsonObject().put("v", 1.5), message.getJsonObject("data"));
  }

  @Test
  void refusalsExitWith1AndTheCredentialIsNeverEchoed(@TempDir Path dir) throws Exception {
    CommandRun missing = CommandRun.run(env, "", "publish", "--http", "--channel", "nope.x", "--data", "1");
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains("permission_denied") || missing.err().contains("channel_not_found"),
        missing.err());

    String wrong = Keys.apiKey();
    CommandRun refused = CommandRun.run(Map.of("LASTMILE_INGEST", env.get("LASTMILE_INGEST")), "",
        "channels", "--credential", wrong);
    assertEquals(1, refused.status());
    assertTrue(refused.err().contains("invalid_token"), refused.err());
    assertFalse(refused.err().contains(wrong) || refused.out().contains(wrong));

    CommandRun anonymous = CommandRun.run(Map.of("LASTMILE_INGEST", env.get("LASTMILE_INGEST")), "", "channels");
    assertEquals(1, anonymous.status());
    assertTrue(anonymous.err().contains("unauthenticated"), anonymous.err());

    Path file = dir.resolve("key");
    Files.writeString(file, KEY + "\n");
    CommandRun fromFile = CommandRun.run(Map.of("LASTMILE_INGEST", env.get("LASTMILE_INGEST")), "",
        "channels", "--credential-file", file.toString());
    assertEquals(0, fromFile.status(), fromFile.err());
    assertFalse(fromFile.out().contains(KEY));

    CommandRun noFile = CommandRun.run(env, "", "channels", "--credential-file", dir.resolve("none").toString());
    assertEquals(1, noFile.status());
    assertTrue(noFile.err().contains("no such file"), noFile.err());
  }

  @Test
  void aFileOfNdjsonIsPublishedInOrderWithRefusedLinesReported(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("messages.ndjson");
    Files.writeString(file, """
        {"channel":"cli.b","data":{"n":1}}
        {"channel":"cli.b","data":{"n":2}}
        not json

        {"channel":"cli.missing","data":3}
        {"channel":"cli.b","data":{"n":4}}
        """);
    CommandRun run = CommandRun.run(env, "", "publish", "--http", "--file", file.toString());
    assertEquals(1, run.status(), run.err());
    assertTrue(run.out().contains("5 messages in"), run.out());
    assertTrue(run.out().contains("3 acknowledged, 2 refused"), run.out());
    assertTrue(run.err().contains("line 3: bad_request"), run.err());
    assertTrue(run.err().contains("line 5: channel_not_found"), run.err());

    CommandRun history = CommandRun.run(env, "", "history", "--http", "--channel", "cli.b", "--all",
        "--limit", "1");
    assertEquals(List.of(1L, 2L, 4L), history.out().lines()
        .map(l -> new JsonObject(l).getJsonObject("data").getLong("n")).toList());
  }

  @Test
  void stdinWithAChannelCarriesTheDataOfEachLine() {
    CommandRun run = CommandRun.run(env, "1\n\"two\"\n[3]\n", "publish", "--http", "--channel", "cli.stdin",
        "--file", "-");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("3 acknowledged, 0 refused"), run.out());
  }

  @Test
  void subscribePrintsOneLinePerMessage() throws Exception {
    CompletableFuture<CommandRun> subscriber = CompletableFuture.supplyAsync(
        () -> CommandRun.run(env, "", "subscribe", "--channel", "cli.sub", "--count", "2"));
    // it prints the first two messages after its subscribe reply: publish until it has them
    for (int i = 0; i < 200 && !subscriber.isDone(); i++) {
      assertEquals(0, CommandRun.run(env, "", "publish", "--http", "--channel", "cli.sub", "--data",
          "{\"a\":" + i + "}").status());
      try {
        subscriber.get(100, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // not yet: publish another
      }
    }
    CommandRun run = subscriber.get(20, TimeUnit.SECONDS);
    assertEquals(0, run.status(), run.err());
    List<JsonObject> lines = run.out().lines().map(JsonObject::new).toList();
    assertEquals(2, lines.size());
    assertEquals(lines.get(0).getJsonObject("data").getInteger("a") + 1, lines.get(1).getJsonObject("data")
        .getInteger("a"));
    assertEquals(lines.get(0).getLong("offset") + 1, lines.get(1).getLong("offset"));
  }

  @Test
  void subscribingToAMissingChannelExitsWith1() {
    CommandRun run = CommandRun.run(env, "", "subscribe", "--channel", "cli.nothing");
    assertEquals(1, run.status());
    assertTrue(run.err().contains("channel_not_found"), run.err());
  }
}
