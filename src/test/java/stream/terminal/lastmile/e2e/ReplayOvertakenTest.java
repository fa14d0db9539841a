package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.channel.Channel;
import stream.terminal.lastmile.channel.ChannelInfo;
import stream.terminal.lastmile.channel.ChannelRegistry;
import stream.terminal.lastmile.core.IdempotencyKey;
import stream.terminal.lastmile.core.Published;
import stream.terminal.lastmile.core.BacklogPage;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Signature;
import stream.terminal.lastmile.support.Http;
import stream.terminal.lastmile.support.TestGateway;
import stream.terminal.lastmile.support.WsClient;

/**
 * A resume whose replay the backlog outruns: the publisher goes on while the client is replayed to, and the
 * messages after its position are trimmed before their page is read. The client must not see a silent jump: it is
 * closed as a slow consumer (4001), and its next resume says recovered:false.
 */
class ReplayOvertakenTest {
  private static final String CHANNEL = "trimmed.replay";
  /** Messages the registry below "trims" past the client's position when the second replay page is read. */
  private static final int TRIMMED = 50;
  private TestGateway gateway;

  @AfterEach
  void stop() throws Exception {
    gateway.close();
  }

  @Test
  void aReplayOvertakenByTrimmingClosesInsteadOfSkipping() throws Exception {
    gateway = new TestGateway().registryView(TrimmingOnSecondPage::new);
    gateway.config().put("channels", new JsonObject().put("declare", new JsonArray().add(CHANNEL))
        .put("history_max_page", 100));
    gateway.start();
    for (int i = 1; i <= 300; i++) {
      assertEquals(200, Http.post(gateway.ingestPort(), "/channels/" + CHANNEL + "/messages", String.valueOf(i))
          .status());
    }
    String epoch = Http.get(gateway.ingestPort(), "/channels/" + CHANNEL + "/messages?limit=1").json()
        .getString("epoch");
    try (WsClient ws = gateway.edge()) {
      JsonObject reply = ws.request(new JsonObject().put("op", "subscribe").put("channel", CHANNEL)
          .put("since", new JsonObject().put("epoch", epoch).put("offset", 0)));
      assertTrue(reply.getJsonObject("result").getBoolean("recovered"), reply.encode());
      long expected = 1;
      for (JsonObject frame = ws.next(); !"disconnect".equals(frame.getString("type")); frame = ws.next()) {
        if ("message".equals(frame.getString("type"))) {
          assertEquals(expected++, frame.getLong("offset"), "a replay never skips offsets");
        }
      }
      assertEquals(101, expected, "the first page, then the close");
      assertEquals(4001, ws.awaitClose());
    }
  }

  /** The real registry, but a replay's second page is read as if {@value #TRIMMED} messages had been trimmed. */
  private static final class TrimmingOnSecondPage implements ChannelRegistry {
    private final ChannelRegistry real;

    TrimmingOnSecondPage(ChannelRegistry real) {
      this.real = real;
    }

    @Override
    public Future<BacklogPage> read(String name, long from, int limit) {
      if (!name.equals(CHANNEL) || from <= 1) {
        return real.read(name, from, limit);
      }
      return real.read(name, from + TRIMMED, limit).map(page ->
          new BacklogPage(page.epoch(), from + TRIMMED, page.lastOffset(), page.messages()));
    }

    @Override
    public Future<Channel> create(String name) {
      return real.create(name);
    }

    @Override
    public Future<ChannelInfo> get(String name) {
      return real.get(name);
    }

    @Override
    public Future<ChannelMessage> append(String name, long ts, String data, Signature signature, ProtoPayload proto) {
      return real.append(name, ts, data, signature, proto);
    }

    @Override
    public Future<Published> appendOnce(String name, IdempotencyKey key, long ts, String data, Signature signature,
        ProtoPayload proto) {
      return real.appendOnce(name, key, ts, data, signature, proto);
    }

    @Override
    public Future<List<ChannelInfo>> list() {
      return real.list();
    }
  }
}
