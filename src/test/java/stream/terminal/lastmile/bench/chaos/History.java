package stream.terminal.lastmile.bench.chaos;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import stream.terminal.lastmile.support.Http;

/** A channel's stored messages as one node serves them ({@code GET /channels/{c}/messages}, page after page). */
record History(String epoch, List<Entry> entries) {
  record Entry(long offset, String payload) {}

  static History read(int ingestPort, String channel) throws Exception {
    List<Entry> entries = new ArrayList<>();
    String epoch = null;
    long since = 0;
    while (true) {
      Http.Reply reply = Http.get(ingestPort, "/channels/" + channel + "/messages?since=" + since + "&limit=1000");
      if (reply.status() != 200) {
        throw new IllegalStateException("history on port " + ingestPort + ": " + reply.status() + " " + reply.body());
      }
      JsonObject page = reply.json();
      if (epoch != null && !epoch.equals(page.getString("epoch"))) {
        throw new IllegalStateException("the epoch changed while reading the history: " + epoch + ", then " + page);
      }
      epoch = page.getString("epoch");
      JsonArray messages = page.getJsonArray("messages");
      if (messages.isEmpty()) {
        return new History(epoch, entries);
      }
      for (int i = 0; i < messages.size(); i++) {
        JsonObject message = messages.getJsonObject(i);
        JsonObject data = message.getJsonObject("data");
        since = message.getLong("offset");
        entries.add(new Entry(since, data.getString("pub") + "-" + data.getLong("seq")));
      }
    }
  }
}
