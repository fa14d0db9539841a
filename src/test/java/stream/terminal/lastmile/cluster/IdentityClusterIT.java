package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static stream.terminal.lastmile.support.WsClient.assertError;
import static stream.terminal.lastmile.support.WsClient.assertResult;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import stream.terminal.lastmile.core.Signed;
import stream.terminal.lastmile.support.ClusterNodes;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.Keys;
import stream.terminal.lastmile.support.MockOidcProvider;
import stream.terminal.lastmile.support.MockOidcProvider.Case;
import stream.terminal.lastmile.support.Signing;
import stream.terminal.lastmile.support.WsClient;

/**
 * Identity across a cluster of three JVMs, each deciding alone from its own configuration and its own cache of
 * the issuer's keys: users sign on at either edge (each fetches the JWKS itself), a publisher proves itself with an
 * API key at the ingest node, and its signed message reaches both edges' subscribers with its kid and sig.
 */
class IdentityClusterIT {
  private static final String API_KEY = Keys.apiKey();
  @TempDir static Path dir;
  private static MockOidcProvider provider;
  private static ClusterNodes cluster;

  @BeforeAll
  static void start() throws Exception {
    provider = MockOidcProvider.start("main");
    cluster = new ClusterNodes(dir, List.of("ingest", "edge1", "edge2"));
    cluster.sections(String.join("\n",
        "identity:",
        "  oidc: {issuer: \"" + provider.issuer("main") + "\", audience: [last-mile], algorithms: [RS256]}",
        "  api_keys: [{id: feed, hash: \"" + Keys.hash(API_KEY) + "\", channels: [\"members.*\"]}]",
        "  public_keys: [{id: " + Signing.KID + ", key: \"" + Signing.publicKey() + "\", channels: [\"*\"]}]",
        "channels:",
        "  patterns: [{pattern: \"members.*\", subscribe: signed_in, create_on_publish: true,"
            + " publishers: [feed], signatures: required}]"));
    cluster.start("ingest", "ingest");
    cluster.start("edge1", "edge");
    cluster.start("edge2", "edge");
    cluster.awaitReady();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  @Test
  void everyNodeChecksIdentityOnItsOwn() throws Exception {
    String channel = "members.cluster";
    long ts = System.currentTimeMillis();
    Signed first = Signing.sign(channel, "{\"n\":0}", ts);
    assertEquals(200, publish(channel, "{\"n\":0}", first).status());
    try (WsClient one = cluster.edge("edge1"); WsClient two = cluster.edge("edge2")) {
      for (WsClient edge : List.of(one, two)) {
        assertError("unauthenticated", edge.request("subscribe", channel));
        assertResult(edge.request(new JsonObject().put("op", "auth")
            .put("token", provider.token("main", Case.VALID, Map.of("sub", "dana")))));
        assertResult(edge.request("subscribe", channel));
      }
      Signed signed = Signing.sign(channel, "{\"n\":1}", ts + 1);
      // the ingest node refuses what its configuration refuses: a publisher without the key, an unsigned message
      int ingest = cluster.port("ingest", "private");
      assertEquals("unauthenticated",
          Http.post(ingest, "/channels/" + channel + "/messages", "{\"n\":1}").errorCode());
      assertEquals("bad_signature", Http.send("POST", ingest, "/channels/" + channel + "/messages", "{\"n\":1}",
          "Authorization", "Bearer " + API_KEY).errorCode());
      assertEquals(200, publish(channel, "{\"n\":1}", signed).status());
      for (WsClient edge : List.of(one, two)) {
        JsonObject message = edge.nextMessage();
        assertEquals(1, message.getJsonObject("data").getInteger("n"));
        assertEquals(Signing.KID, message.getString("kid"));
        assertEquals(signed.signature().sig(), message.getString("sig"));
      }
    }
  }

  private static Http.Reply publish(String channel, String data, Signed signed) throws Exception {
    return Http.send("POST", cluster.port("ingest", "private"), "/channels/" + channel + "/messages", data,
        "Authorization", "Bearer " + API_KEY, "Last-Mile-Timestamp", String.valueOf(signed.ts()),
        "Last-Mile-Key-Id", signed.signature().kid(), "Last-Mile-Signature", signed.signature().sig());
  }
}
