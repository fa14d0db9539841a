package stream.terminal.lastmile.sdk;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The HTTP ingest API (docs/protocol.md section 7) with the credential on each request. */
final class HttpIngest {
  private final HttpClient client;
  private final ClientOptions options;

  HttpIngest(Vertx vertx, ClientOptions options) {
    this.options = options;
    HttpClientOptions http = new HttpClientOptions().setSsl(options.tls());
    if (options.trustOptions() != null) {
      http.setTrustOptions(options.trustOptions());
    }
    this.client = vertx.createHttpClient(http);
  }

  Future<Stored> publish(String channel, String json, String key) {
    return call(HttpMethod.POST, "/channels/" + encode(channel) + "/messages", json, key)
        .map(body -> new Stored(body.getString("channel"), body.getString("epoch"), body.getLong("offset"),
            body.getBoolean("duplicate", false)));
  }

  Future<List<ChannelState>> channels() {
    return call(HttpMethod.GET, "/channels", null, null).map(body -> {
      JsonArray list = body.getJsonArray("channels", new JsonArray());
      List<ChannelState> channels = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        JsonObject c = list.getJsonObject(i);
        channels.add(new ChannelState(c.getString("channel"), c.getString("epoch"), c.getLong("offset", 0L)));
      }
      return channels;
    });
  }

  Future<History> history(String channel, long after, int limit) {
    String query = "?since=" + after + (limit > 0 ? "&limit=" + limit : "");
    return call(HttpMethod.GET, "/channels/" + encode(channel) + "/messages" + query, null, null).compose(body -> {
      JsonArray frames = body.getJsonArray("messages", new JsonArray());
      List<Received> messages = new ArrayList<>(frames.size());
      for (int i = 0; i < frames.size(); i++) {
        JsonObject m = frames.getJsonObject(i);
        messages.add(new Received(m.getString("channel"), m.getString("epoch"), m.getLong("offset", 0L),
            m.getLong("ts", 0L), io.vertx.core.json.Json.encode(m.getValue("data")), m.getString("kid"),
            m.getString("sig")));
      }
      return Future.succeededFuture(new History(body.getString("channel"), body.getString("epoch"),
          body.getLong("offset", 0L), body.getLong("first_available", 0L), messages));
    });
  }

  /** @param key the publish's idempotency key, or null */
  private Future<JsonObject> call(HttpMethod method, String path, String body, String key) {
    RequestOptions request = new RequestOptions().setMethod(method).setHost(options.host()).setPort(options.port())
        .setURI(path).setTimeout(options.requestTimeoutMs());
    try {
      String credential = Credentials.next(options);
      if (credential != null) {
        request.putHeader("Authorization", "Bearer " + credential);
      }
    } catch (LastMileException e) {
      return Future.failedFuture(e);
    }
    if (body != null) {
      request.putHeader("Content-Type", "application/json");
    }
    if (key != null) {
      request.putHeader("Idempotency-Key", key);
    }
    return client.request(request)
        .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body, "UTF-8")))
        .compose(resp -> resp.body().map(bytes -> answer(resp.statusCode(), bytes)))
        .recover(failure -> Future.failedFuture(Failures.of(failure)));
  }

  /** A 2xx JSON body, or the error the body names ({@code {"error":{"code","message"}}}). */
  private static JsonObject answer(int status, Buffer bytes) {
    JsonObject body;
    try {
      body = bytes.length() == 0 ? new JsonObject() : new JsonObject(bytes);
    } catch (DecodeException | ClassCastException e) {
      throw new LastMileException("internal", "HTTP " + status + " with a body that is not a JSON object");
    }
    if (status / 100 == 2) {
      return body;
    }
    JsonObject error = body.getJsonObject("error");
    if (error == null || error.getString("code") == null) {
      throw new LastMileException("internal", "HTTP " + status + " without an error body");
    }
    throw new LastMileException(error.getString("code"), error.getString("message", "HTTP " + status),
        "unknown".equals(error.getString("stored")));
  }

  private static String encode(String channel) {
    return URLEncoder.encode(channel, StandardCharsets.UTF_8);
  }

  Future<Void> close() {
    return client.close();
  }
}
