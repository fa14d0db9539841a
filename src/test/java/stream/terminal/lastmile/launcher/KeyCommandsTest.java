package stream.terminal.lastmile.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import stream.terminal.lastmile.config.ConfigLoader;
import stream.terminal.lastmile.config.GatewayConfig;
import stream.terminal.lastmile.core.Signature;
import stream.terminal.lastmile.identity.Authenticator;
import stream.terminal.lastmile.identity.Identity;
import stream.terminal.lastmile.identity.MessageSignatures;

/** The key subcommands run in-process: what they print works in a real configuration. */
class KeyCommandsTest {
  @TempDir
  Path dir;

  private record Run(int status, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.command(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A node configuration whose identity section lists the printed entry. */
  private GatewayConfig configWith(String section, Run keygen) throws IOException {
    String entry = keygen.lines().stream().filter(l -> !l.startsWith("#") && !l.startsWith("lmk_"))
        .map(l -> "    " + l).reduce("", (a, b) -> a + b + "\n");
    Path file = dir.resolve("node.yaml");
    Files.writeString(file, "identity:\n  " + section + ":\n" + entry);
    return ConfigLoader.load(file, Map.of());
  }

  private static Identity authenticate(GatewayConfig config, String credential) throws Exception {
    return new Authenticator(config.identity(), null, Clock.systemUTC())
        .authenticate(credential, config.listeners().get(1))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void anApiKeyAuthenticatesAgainstTheHashPrintedWithIt() throws Exception {
    Run keygen = run("keygen", "api-key", "--id", "feed-1", "--channels", "*.x, b");
    assertEquals(0, keygen.status(), keygen.err());
    String key = keygen.lines().get(1);
    assertTrue(key.matches("lmk_[A-Za-z0-9_-]{43}"), key);
    assertTrue(keygen.out().contains("channels: [\"*.x\", \"b\"]"), keygen.out());
    GatewayConfig config = configWith("api_keys", keygen);
    Identity identity = authenticate(config, key);
    assertEquals(Identity.Kind.API_KEY, identity.kind());
    assertEquals("feed-1", identity.subject());
    assertTrue(identity.covers("a.x") && identity.covers("b") && !identity.covers("c"));
    assertTrue(!run("keygen", "api-key", "--id", "feed-1", "--channels", "b").lines().get(1).equals(key),
        "each key is new");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ed25519", "p256"})
  void aKeyPairsTokenAndSignaturesVerifyWithThePrintedPublicKey(String kind) throws Exception {
    Path privateKey = dir.resolve(kind + ".pem");
    Run keygen = run("keygen", kind, "--id", "signer-1", "--channels", "news.*", "--private-key", privateKey.toString());
    assertEquals(0, keygen.status(), keygen.err());
    assertTrue(Files.readString(privateKey).startsWith("-----BEGIN PRIVATE KEY-----\n"));
    if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey)));
    }
    GatewayConfig config = configWith("public_keys", keygen);

    Run token = run("publisher-token", "--private-key", privateKey.toString(), "--id", "signer-1", "--ttl", "30");
    assertEquals(0, token.status(), token.err());
    Identity identity = authenticate(config, token.out().strip());
    assertEquals(Identity.Kind.PUBLIC_KEY, identity.kind());
    assertEquals("signer-1", identity.subject());

    Run sign = run("sign", "--private-key", privateKey.toString(), "--id", "signer-1", "--channel", "news.eu",
        "--data", "{\"b\":1,\"a\":[true]}");
    assertEquals(0, sign.status(), sign.err());
    List<String> headers = sign.lines();
    assertEquals(3, headers.size(), sign.out());
    assertTrue(headers.get(0).startsWith("Last-Mile-Timestamp: "));
    assertEquals("Last-Mile-Key-Id: signer-1", headers.get(1));
    long ts = Long.parseLong(headers.get(0).substring("Last-Mile-Timestamp: ".length()));
    String sig = headers.get(2).substring("Last-Mile-Signature: ".length());
    new MessageSignatures(config.identity(), Clock.systemUTC())
        .verify("news.eu", "{\"a\":[true],\"b\":1}", ts, new Signature("signer-1", sig));
  }

  @Test
  void anExistingKeyFileIsNeverOverwritten() throws IOException {
    Path file = dir.resolve("taken.pem");
    Files.writeString(file, "precious");
    Run keygen = run("keygen", "ed25519", "--id", "s", "--channels", "a", "--private-key", file.toString());
    assertEquals(1, keygen.status());
    assertTrue(keygen.err().contains("never overwritten"), keygen.err());
    assertEquals("", keygen.out());
    assertEquals("precious", Files.readString(file));
  }

  @Test
  void aFileWithoutAKeyFails() throws IOException {
    Path file = dir.resolve("not-a-key.pem");
    Files.writeString(file, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    Run token = run("publisher-token", "--private-key", file.toString(), "--id", "s");
    assertEquals(1, token.status());
    assertTrue(token.err().contains("no Ed25519 or P-256 private key"), token.err());
    Run absent = run("sign", "--private-key", dir.resolve("absent").toString(), "--id", "s", "--channel", "c",
        "--data", "1");
    assertEquals(1, absent.status());
    assertTrue(absent.err().contains("absent: no such file or directory"), absent.err());
    Run noDirectory = run("keygen", "p256", "--id", "s", "--channels", "a", "--private-key",
        dir.resolve("missing/key.pem").toString());
    assertEquals(1, noDirectory.status());
    assertTrue(noDirectory.err().contains("no such file or directory"), noDirectory.err());
  }

  @Test
  void usageErrorsExitWith2() {
    for (String[] args : List.of(
        new String[] {"keygen"},
        new String[] {"keygen", "rsa", "--id", "a", "--channels", "b"},
        new String[] {"keygen", "api-key", "--channels", "b"},
        new String[] {"keygen", "api-key", "--id", "a b", "--channels", "b"},
        new String[] {"keygen", "api-key", "--id", "a", "--channels", "b c"},
        new String[] {"keygen", "api-key", "--id", "a", "--channels"},
        new String[] {"keygen", "api-key", "--id", "a", "--id", "b", "--channels", "c"},
        new String[] {"keygen", "api-key", "--id", "a", "--channels", "b", "--colour", "red"},
        new String[] {"keygen", "ed25519", "--id", "a", "--channels", "b"},
        new String[] {"publisher-token", "--id", "a"},
        new String[] {"publisher-token", "--private-key", "k", "--id", "a", "--ttl", "0"},
        new String[] {"publisher-token", "--private-key", "k", "--id", "a", "--ttl", "3601"},
        new String[] {"sign", "--private-key", "k", "--id", "a", "--channel", "c", "--data", "{nope"},
        new String[] {"sign", "--private-key", "k", "--id", "a", "--channel", "c d", "--data", "1"})) {
      Run run = run(args);
      assertEquals(2, run.status(), Arrays.toString(args) + ": " + run.err());
      assertTrue(run.err().contains("usage:"), run.err());
    }
  }

  @Test
  void helpPrintsEveryCommand() {
    Run help = run("keygen", "--help");
    assertEquals(0, help.status());
    for (String command : List.of("keygen api-key", "keygen ed25519|p256", "publisher-token", "sign")) {
      assertTrue(help.out().contains("last-mile " + command), help.out());
    }
  }
}
