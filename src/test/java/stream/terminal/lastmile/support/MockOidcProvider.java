package stream.terminal.lastmile.support;

import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real OIDC provider on loopback: {@code no.nav.security:mock-oauth2-server} in its own JVM (its Netty and
 * Jackson clash with Vert.x's, so it is never on the test class path). Its jars are copied once per build from
 * {@code src/test/oidc/pom.xml} into {@code target/mock-oauth2/lib}. Closing kills the process tree.
 *
 * <p>Every issuer id serves discovery, JWKS and a token endpoint under {@code /{issuerId}}, and signs with its own key
 * whose {@code kid} is the issuer id. Tokens are minted with the client-credentials grant; the {@code JSON_CONFIG}
 * below maps the form parameter {@code case} to claim sets, and copies the form parameters {@code sub aud scope
 * channels iss} into the claims (templates), so a test chooses them per token. Claims given there override the
 * provider's defaults, which is how {@code iss}, {@code exp}, {@code nbf} and {@code iat} are bent.
 */
public final class MockOidcProvider implements AutoCloseable {
  /** What a token is made to be. */
  public enum Case {
    VALID, EXPIRED, NOT_YET_VALID, ISSUED_IN_FUTURE
  }

  private static final String MAIN_CLASS = "no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final int port;
  private final Path log;

  private MockOidcProvider(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts a provider on a free loopback port serving the given issuer ids, and waits for its discovery. */
  public static MockOidcProvider start(String... issuerIds) throws Exception {
    Map<String, Integer> expiries = new LinkedHashMap<>();
    for (String id : issuerIds) {
      expiries.put(id, 3600);
    }
    return start(expiries);
  }

  /** As {@link #start(String...)}, each issuer id minting tokens that live the given number of seconds. */
  public static MockOidcProvider start(Map<String, Integer> tokenExpiries) throws Exception {
    String[] issuerIds = tokenExpiries.keySet().toArray(String[]::new);
    Path home = basedir().resolve("target/mock-oauth2");
    Path lib = materialise(home);
    int port = freePort();
    Path log = home.resolve("provider-" + port + ".log");
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", lib.toAbsolutePath() + "/*", MAIN_CLASS);
    builder.environment().put("SERVER_HOSTNAME", "127.0.0.1");
    builder.environment().put("SERVER_PORT", Integer.toString(port));
    builder.environment().put("JSON_CONFIG", config(tokenExpiries));
    builder.environment().put("LOG_LEVEL", "WARN");
    builder.redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
    MockOidcProvider provider = new MockOidcProvider(builder.start(), port, log);
    try {
      await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> provider.answers(issuerIds[0]));
    } catch (Throwable e) {
      provider.close();
      throw new AssertionError("the mock OIDC provider did not answer within " + START_TIMEOUT.toSeconds() + " s; its log:\n"
          + Files.readString(log), e);
    }
    return provider;
  }

  public int port() {
    return port;
  }

  /** The {@code iss} of the tokens of an issuer id, also the base of its discovery document. */
  public String issuer(String issuerId) {
    return "http://127.0.0.1:" + port + "/" + issuerId;
  }

  public String jwksUri(String issuerId) {
    return issuer(issuerId) + "/jwks";
  }

  /**
   * Mints an access token at {@code /{issuerId}/token}.
   *
   * @param claims values for {@code sub aud scope channels iss} (missing ones get defaults: {@code iss} the issuer
   *     id's own, {@code aud} "last-mile", {@code sub} "alice")
   */
  public String token(String issuerId, Case shape, Map<String, String> claims) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(tokenUrl(issuerId)))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(tokenForm(issuerId, shape, claims))).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError("the provider refused a token: HTTP " + response.statusCode() + " " + response.body());
    }
    return new JsonObject(response.body()).getString("access_token");
  }

  /** Where {@link #tokenForm} is POSTed for a token of {@code issuerId}. */
  public String tokenUrl(String issuerId) {
    return issuer(issuerId) + "/token";
  }

  /** The form body that mints a token (see {@link #token}): for a client of its own, such as a browser page. */
  public String tokenForm(String issuerId, Case shape, Map<String, String> claims) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    form.put("client_id", "test-client");
    form.put("client_secret", "test-secret");
    form.put("case", shape.name().toLowerCase());
    form.put("sub", "alice");
    form.put("aud", "last-mile");
    form.put("scope", "");
    form.put("channels", "");
    form.put("iss", issuer(issuerId));
    form.putAll(claims);
    return form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  @Override
  public void close() throws Exception {
    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the mock OIDC provider (pid " + process.pid() + ") did not end; log " + log);
    }
  }

  private boolean answers(String issuerId) throws IOException {
    if (!process.isAlive()) {
      throw new IllegalStateException("the mock OIDC provider exited with " + process.exitValue());
    }
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(issuer(issuerId) + "/.well-known/openid-configuration"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** One callback per issuer id; the first mapping whose {@code case} matches decides the claims. */
  private static String config(Map<String, Integer> tokenExpiries) {
    JsonArray callbacks = new JsonArray();
    for (Map.Entry<String, Integer> issuer : tokenExpiries.entrySet()) {
      callbacks.add(new JsonObject()
          .put("issuerId", issuer.getKey())
          .put("tokenExpiry", issuer.getValue())
          .put("requestMappings", new JsonArray()
              // 2001-09-09: long expired, whatever the leeway
              .add(mapping("expired", new JsonObject().put("exp", 1_000_000_000L)))
              // 2100-01-01
              .add(mapping("not_yet_valid", new JsonObject().put("nbf", 4_102_444_800L)))
              // issued 2100-01-01, valid by exp and nbf
              .add(mapping("issued_in_future", new JsonObject().put("iat", 4_102_444_800L)))
              .add(mapping("valid", new JsonObject()))));
    }
    return new JsonObject().put("interactiveLogin", false).put("tokenCallbacks", callbacks).encode();
  }

  private static JsonObject mapping(String shape, JsonObject claims) {
    for (String claim : List.of("sub", "aud", "scope", "channels", "iss")) {
      claims.put(claim, "${" + claim + "}");
    }
    return new JsonObject().put("requestParam", "case").put("match", shape).put("claims", claims);
  }

  /** Copies the provider's jars once per build (a marker file says the copy is complete). */
  private static synchronized Path materialise(Path home) throws Exception {
    Path lib = home.resolve("lib");
    if (Files.exists(lib.resolve(".complete"))) {
      return lib;
    }
    Path staging = Files.createDirectories(home).resolve("lib.partial");
    Path output = home.resolve("copy-dependencies.log");
    Process mvn = new ProcessBuilder("mvn", "-B", "-q", "-f", basedir().resolve("src/test/oidc/pom.xml").toString(),
        "dependency:copy-dependencies", "-DincludeScope=runtime", "-DoutputDirectory=" + staging.toAbsolutePath())
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    if (!mvn.waitFor(5, TimeUnit.MINUTES) || mvn.exitValue() != 0) {
      mvn.destroyForcibly();
      throw new AssertionError("cannot fetch the mock OIDC provider's jars (no.nav.security:mock-oauth2-server with mvn"
          + " from PATH, src/test/oidc/pom.xml); mvn said:\n" + Files.readString(output));
    }
    Files.writeString(staging.resolve(".complete"), "");
    if (Files.exists(lib)) {
      try (var old = Files.walk(lib)) {
        old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.move(staging, lib, StandardCopyOption.ATOMIC_MOVE);
    return lib;
  }

  private static Path basedir() {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }
}
