package stream.terminal.lastmile.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Secrets are compared in one place, in constant time: {@link Secrets} and the listener tokens' {@link TokenAuth}.
 * The timing itself is not measured (a flaky test); the sources are read instead, so that a new comparison of a
 * token with String.equals or List.contains, as the WebSocket handshake's sub-protocol echo once did, fails here.
 */
class SecretsTest {
  private static final Path SOURCES = Path.of("src/main/java/stream/terminal/lastmile");
  /** A listener's tokens read for anything but knowing whether there are any, or building their TokenAuth. */
  private static final Pattern TOKENS_READ = Pattern.compile("authTokens\\(\\)(?!\\.isEmpty\\(\\))");
  private static final Pattern TOKENS_HASHED = Pattern.compile("new TokenAuth\\([\\w.]*authTokens\\(\\)\\)");

  @Test
  void aSecretMatchesOnlyItself() {
    List<byte[]> known = List.of(Secrets.sha256("first-token"), Secrets.sha256("second-token"));
    assertTrue(Secrets.matchesAny("second-token", known));
    assertFalse(Secrets.matchesAny("second-toke", known));
    assertFalse(Secrets.matchesAny("second-token ", known));
    assertFalse(Secrets.matchesAny("", known));
    assertFalse(Secrets.matchesAny("first-token", List.of()));
    assertEquals(1, Secrets.indexOf(Secrets.sha256("second-token"), known));
    assertEquals(-1, Secrets.indexOf(Secrets.sha256("third-token"), known));
  }

  @Test
  void theHandshakeEchoesTheFirstOfferedToken() {
    TokenAuth tokens = new TokenAuth(List.of("alpha", "beta"));
    assertEquals("beta", tokens.echo(List.of("graphql-ws, beta", "alpha")));
    assertEquals("alpha", tokens.echo(List.of(" alpha ,beta")));
    assertNull(tokens.echo(List.of("alph, alphaa, Alpha")));
    assertNull(tokens.echo(List.of()));
    assertNull(new TokenAuth(List.of()).echo(List.of("alpha")));
    // offers past the sixteenth are not hashed
    String many = String.join(",", Collections.nCopies(16, "x"));
    assertNull(tokens.echo(List.of(many, "alpha")));
    assertTrue(tokens.acceptsOffer("x, beta"));
    assertFalse(tokens.acceptsOffer(many + ",beta"));
  }

  @Test
  void noSourceComparesASecretAnyOtherWay() throws IOException {
    List<String> offences = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(file -> {
        String name = SOURCES.relativize(file).toString();
        String text = read(file);
        if (text.contains("MessageDigest.isEqual") && !name.equals("auth/Secrets.java")) {
          offences.add(name + ": compares digests itself (use auth/Secrets)");
        }
        Matcher read = TOKENS_READ.matcher(TOKENS_HASHED.matcher(text).replaceAll(""));
        while (read.find()) {
          offences.add(name + ": reads the listener's tokens in clear (compare them through TokenAuth)");
        }
      });
    }
    assertEquals(List.of(), offences);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
