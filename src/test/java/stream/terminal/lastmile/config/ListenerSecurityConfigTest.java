package stream.terminal.lastmile.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Listener options that decide who may reach a listener: allowed_origins, allow_unauthenticated, tls. */
class ListenerSecurityConfigTest {
  private static SelfSignedCertificate certificate;
  @TempDir Path dir;

  @BeforeAll
  static void makeCertificate() {
    certificate = SelfSignedCertificate.create("localhost");
  }

  @AfterAll
  static void deleteCertificate() {
    certificate.delete();
  }

  private static JsonObject config() {
    return new JsonObject().put("listeners", new JsonArray()
        .add(new JsonObject().put("name", "public").put("role", "edge").put("host", "0.0.0.0").put("port", 8080))
        .add(new JsonObject().put("name", "private").put("role", "ingest").put("host", "127.0.0.1").put("port", 8081))
        .add(new JsonObject().put("name", "ops").put("role", "ops").put("port", 8082)));
  }

  private static GatewayConfig parse(int listener, Consumer<JsonObject> change) {
    JsonObject config = config();
    change.accept(config.getJsonArray("listeners").getJsonObject(listener));
    return ConfigParser.parse(config);
  }

  private static ConfigException refused(int listener, Consumer<JsonObject> change, String option) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(listener, change));
    assertTrue(e.getMessage().startsWith("invalid configuration: " + option + ": "), e.getMessage());
    return e;
  }

  private static JsonObject tls() {
    return new JsonObject().put("cert", certificate.certificatePath()).put("key", certificate.privateKeyPath());
  }

  @Test
  void edgeAdmitsEveryOriginAndPrivateListenersNone() {
    GatewayConfig config = parse(0, l -> {});
    assertEquals(List.of("*"), config.listeners().get(0).allowedOrigins());
    assertEquals(List.of(), config.listeners().get(1).allowedOrigins());
    assertEquals(List.of(), config.listeners().get(2).allowedOrigins());
    assertEquals(List.of("*"), ConfigParser.parse(new JsonObject()).listeners().get(0).allowedOrigins());
    assertEquals(List.of(), ConfigParser.parse(new JsonObject()).listeners().get(1).allowedOrigins());
  }

  @Test
  void allowedOriginsAreKeptAndBadEntriesRefused() {
    assertEquals(List.of("https://app.example.com", "https://*.example.org"),
        parse(0, l -> l.put("allowed_origins", new JsonArray().add("https://app.example.com")
            .add("https://*.example.org"))).listeners().get(0).allowedOrigins());
    ConfigException e = refused(1, l -> l.put("allowed_origins", new JsonArray().add("https://ok.example.com")
        .add("example.com")), "listeners[1].allowed_origins[1]");
    assertTrue(e.getMessage().contains("'example.com'"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "10.0.0.5", "::", "192.168.1.2", "ingest.internal", "128.0.0.1"})
  void ingestOffLoopbackWithoutTokensIsRefused(String host) {
    ConfigException e = refused(1, l -> l.put("host", host), "listeners[1].host");
    assertTrue(e.getMessage().contains("'private'"), e.getMessage());
    assertTrue(e.getMessage().contains("allow_unauthenticated"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.3.2.1", "::1", "[::1]", "0:0:0:0:0:0:0:1", "localhost", "LOCALHOST"})
  void ingestOnLoopbackNeedsNoTokens(String host) {
    assertEquals(host, parse(1, l -> l.put("host", host)).listeners().get(1).host());
  }

  @Test
  void ingestOffLoopbackIsAcceptedWithTokensClientCertificatesOrTheOperatorsWord() {
    assertEquals(List.of("publisher-token"), parse(1, l -> l.put("host", "0.0.0.0")
        .put("auth_tokens", new JsonArray().add("publisher-token"))).listeners().get(1).authTokens());
    assertTrue(parse(1, l -> l.put("host", "0.0.0.0").put("allow_unauthenticated", true))
        .listeners().get(1).allowUnauthenticated());
    assertTrue(parse(1, l -> l.put("host", "0.0.0.0")
        .put("tls", tls().put("client_ca", certificate.certificatePath()))).listeners().get(1).tls().mutual());
    refused(1, l -> l.put("host", "0.0.0.0").put("tls", tls()), "listeners[1].host");
  }

  @Test
  void allowUnauthenticatedIsForIngestListenersOnly() {
    refused(0, l -> l.put("allow_unauthenticated", true), "listeners[0].allow_unauthenticated");
    refused(2, l -> l.put("allow_unauthenticated", false), "listeners[2].allow_unauthenticated");
  }

  @Test
  void tlsIsOffByDefaultAndReadOnEveryRole() {
    assertNull(parse(0, l -> {}).listeners().get(0).tls());
    for (int i = 0; i < 3; i++) {
      TlsConfig tls = parse(i, l -> l.put("tls", tls())).listeners().get(i).tls();
      assertEquals(new TlsConfig(certificate.certificatePath(), certificate.privateKeyPath(), null), tls);
      assertFalse(tls.mutual());
    }
    assertTrue(parse(2, l -> l.put("tls", tls().put("client_ca", certificate.certificatePath())))
        .listeners().get(2).tls().mutual());
  }

  @Test
  void tlsFilesMustBeReadablePem() throws Exception {
    refused(0, l -> l.put("tls", tls().putNull("key")), "listeners[0].tls.key");
    refused(0, l -> l.put("tls", new JsonObject().put("key", certificate.privateKeyPath())), "listeners[0].tls.cert");
    ConfigException missing = refused(0, l -> l.put("tls", tls().put("cert", dir.resolve("absent.pem").toString())),
        "listeners[0].tls.cert");
    assertTrue(missing.getMessage().contains("absent.pem"), missing.getMessage());
    Path text = Files.writeString(dir.resolve("not.pem"), "hello\n");
    refused(0, l -> l.put("tls", tls().put("cert", text.toString())), "listeners[0].tls.cert");
    // a certificate where the key belongs
    refused(0, l -> l.put("tls", tls().put("key", certificate.certificatePath())), "listeners[0].tls.key");
    refused(0, l -> l.put("tls", tls().put("ciphers", "all")), "listeners[0].tls.ciphers");
  }

  @Test
  void clientCertificatesAreForPrivateListeners() {
    refused(0, l -> l.put("tls", tls().put("client_ca", certificate.certificatePath())), "listeners[0].tls.client_ca");
  }
}
