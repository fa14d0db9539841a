package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.terminal.lastmile.support.ClusterNodes;
import stream.terminal.lastmile.support.WsClient;

/**
 * Two nodes in separate JVMs whose event bus runs mutual TLS ({@code cluster.tls}), with certificates made for
 * the test: messages cross between them, and a peer without a certificate the nodes trust cannot even finish
 * the TLS handshake with a node's event-bus port.
 */
class ClusterTlsIT {
  @TempDir static Path dir;
  private static ClusterNodes cluster;
  private static SelfSignedCertificate trusted;
  private static SelfSignedCertificate foreign;
  private static int edgeBusPort;
  private static final Vertx vertx = Vertx.vertx();

  @BeforeAll
  static void start() throws Exception {
    // one self-signed certificate shared by the nodes is also their CA; the foreign one is signed by nobody they trust
    trusted = SelfSignedCertificate.create("localhost");
    foreign = SelfSignedCertificate.create("localhost");
    String tls = ", tls: {cert: " + trusted.certificatePath() + ", key: " + trusted.privateKeyPath()
        + ", ca: " + trusted.certificatePath() + "}";
    edgeBusPort = ClusterNodes.memberPort();
    cluster = new ClusterNodes(dir, List.of("ingest", "edge"));
    cluster.start("ingest", "ingest", "", tls);
    cluster.start("edge", "edge", "", ", event_bus_port: " + edgeBusPort + tls);
    cluster.awaitReady();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    vertx.close().await();
    trusted.delete();
    foreign.delete();
  }

  @Test
  void aMessageCrossesNodesOverTheTlsEventBus() throws Exception {
    try (WsClient publisher = cluster.ingest("ingest"); WsClient subscriber = cluster.edge("edge")) {
      assertResult(publisher.request("create", "tls.a"));
      assertResult(subscriber.request("subscribe", "tls.a"));
      assertResult(publisher.request(new JsonObject().put("op", "publish").put("channel", "tls.a").put("data", 7)));
      JsonObject message = subscriber.nextMessage();
      assertEquals(7, message.getInteger("data"));
    }
  }

  /**
   * Opens a TLS connection to the edge's event-bus port presenting {@code identity} (null: no certificate). TLS
   * 1.2, where the handshake completes only once the server has accepted the client's certificate (TLS 1.3
   * would report a refusal only at the first read).
   */
  private static NetSocket handshake(KeyCertOptions identity) {
    NetClientOptions options = new NetClientOptions().setSsl(true).setTrustAll(true)
        .setHostnameVerificationAlgorithm("").setEnabledSecureTransportProtocols(Set.of("TLSv1.2"))
        .setConnectTimeout(5000);
    if (identity != null) {
      options.setKeyCertOptions(identity);
    }
    return vertx.createNetClient(options).connect(edgeBusPort, "127.0.0.1").await();
  }

  @Test
  void aPeerWithoutATrustedCertificateIsRefused() {
    assertThrows(Exception.class, () -> handshake(foreign.keyCertOptions()), "a certificate the nodes do not trust");
    assertThrows(Exception.class, () -> handshake(null), "no certificate at all");
    NetSocket member = handshake(trusted.keyCertOptions());
    assertTrue(member != null);
    member.close();
  }
}
