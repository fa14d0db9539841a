package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * Listeners with {@code tls}, against real TLS clients and certificates made for the test: subscribers on wss://
 * receive what publishers send (frames are written below Vert.x's WebSocket encoder, so this checks that they
 * still pass through TLS), and the ingest listener's client CA admits only clients with a certificate it signed.
 */
class TlsTest {
  private static SelfSignedCertificate server;
  private static SelfSignedCertificate publisher;
  private static SelfSignedCertificate stranger;
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    server = SelfSignedCertificate.create("localhost");
    publisher = SelfSignedCertificate.create("publisher");
    stranger = SelfSignedCertificate.create("stranger");
    gateway = new TestGateway();
    gateway.listenerConfig("public").put("tls", tls());
    gateway.listenerConfig("private").put("tls", tls().put("client_ca", publisher.certificatePath()));
    gateway.config().getJsonArray("listeners").add(new JsonObject().put("name", "ops").put("role", "ops")
        .put("host", "127.0.0.1").put("port", 0).put("tls", tls()));
    gateway.start();
  }

  private static JsonObject tls() {
    return new JsonObject().put("cert", server.certificatePath()).put("key", server.privateKeyPath());
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    for (SelfSignedCertificate c : List.of(server, publisher, stranger)) {
      c.delete();
    }
  }

  /**
   * TLS client options that trust the node's certificate (made for "localhost": host-name verification is off,
   * since the tests connect to 127.0.0.1; the chain is still checked against that one certificate).
   */
  private static <T extends io.vertx.core.net.ClientOptionsBase> T trusting(T options, KeyCertOptions identity) {
    options.setSsl(true).setTrustOptions(server.trustOptions()).setKeyCertOptions(identity);
    return options;
  }

  private static WsClient wss(String listener, KeyCertOptions identity) throws Exception {
    WebSocketClientOptions options = trusting(new WebSocketClientOptions(), identity).setVerifyHost(false);
    return WsClient.connect(gateway.clients(), options, new WebSocketConnectOptions()
        .setPort(gateway.node().port(listener)).setURI("/").setAllowOriginHeader(false));
  }

  /** The status of one HTTPS request, or the failure of the TLS connection. */
  private static int https(String listener, HttpMethod method, String path, String body, KeyCertOptions identity)
      throws Exception {
    HttpClient client = gateway.clients().createHttpClient(trusting(new HttpClientOptions(), identity)
        .setVerifyHost(false));
    try {
      RequestOptions request = new RequestOptions().setMethod(method).setHost("127.0.0.1")
          .setPort(gateway.node().port(listener)).setURI(path).putHeader("Content-Type", "application/json");
      return client.request(request)
          .compose(r -> (body == null ? r.send() : r.send(body)).compose(response -> response.body()
              .map(b -> response.statusCode())))
          .await(WsClient.TIMEOUT_S, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  @Test
  void aSubscriberOnWssReceivesWhatAPublisherWithAClientCertificatePublishes() throws Exception {
    try (WsClient pub = wss("private", publisher.keyCertOptions()); WsClient sub = wss("public", null)) {
      assertResult(pub.request("create", "tls.feed"));
      assertResult(sub.request("subscribe", "tls.feed"));
      // small ones, queued back to back, then one that spans several TLS records (16 KiB each)
      String large = "x".repeat(60_000);
      for (int i = 1; i <= 50; i++) {
        pub.send(new JsonObject().put("op", "publish").put("channel", "tls.feed").put("data", i));
      }
      assertResult(pub.request(new JsonObject().put("op", "publish").put("channel", "tls.feed").put("data", large)));
      for (int i = 1; i <= 50; i++) {
        JsonObject message = sub.nextMessage();
        assertEquals(i, message.getLong("offset"));
        assertEquals(i, message.getInteger("data"));
      }
      JsonObject last = sub.nextMessage();
      assertEquals(51, last.getLong("offset"));
      assertEquals(large, last.getString("data"));
    }
  }

  @Test
  void theHttpSurfacesServeHttpsAndTheIngestApiWantsTheClientCertificate() throws Exception {
    assertEquals(201, https("private", HttpMethod.PUT, "/channels/tls.http", null, publisher.keyCertOptions()));
    assertEquals(200, https("private", HttpMethod.POST, "/channels/tls.http/messages", "{\"n\":1}",
        publisher.keyCertOptions()));
    assertEquals(200, https("ops", HttpMethod.GET, "/health", null, null));
  }

  @Test
  void clientsWithoutACertificateFromTheClientCaAreRefused() {
    for (KeyCertOptions identity : new KeyCertOptions[] {null, stranger.keyCertOptions(), server.keyCertOptions()}) {
      assertRefused(() -> https("private", HttpMethod.PUT, "/channels/tls.refused", null, identity));
      assertRefused(() -> wss("private", identity).close());
    }
  }

  @Test
  void plainClientsAreNotServed() {
    assertRefused(() -> WsClient.connect(gateway.clients(), gateway.node().port("public")).close());
  }

  @Test
  void aKeyThatDoesNotMatchItsCertificateStopsTheStartNamingTheListener() throws Exception {
    try (TestGateway mismatched = new TestGateway()) {
      mismatched.listenerConfig("public").put("tls",
          new JsonObject().put("cert", server.certificatePath()).put("key", stranger.privateKeyPath()));
      Exception e = assertThrows(Exception.class, mismatched::start);
      assertTrue(String.valueOf(e.getMessage()).contains("listener 'public'"), String.valueOf(e));
    }
  }

  /** The connection fails, and fails fast: not a wait that ran out. */
  private static void assertRefused(org.junit.jupiter.api.function.Executable attempt) {
    Throwable e = assertThrows(Exception.class, attempt);
    while (e.getCause() != null && !(e instanceof TimeoutException)) {
      e = e.getCause();
    }
    assertFalse(e instanceof TimeoutException, "the connection hung instead of being refused");
  }
}
