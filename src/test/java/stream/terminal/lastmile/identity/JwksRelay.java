package stream.terminal.lastmile.identity;

import com.nimbusds.jose.jwk.JWK;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import stream.terminal.lastmile.support.MockOidcProvider;

/**
 * A JWKS address in front of the mock provider that counts its fetches and publishes the keys of the issuer ids
 * chosen: the provider signs each issuer id with its own key (kid = issuer id), so publishing a second id's key
 * beside the first is how the tests rotate keys under a new kid, exactly as a real issuer does.
 */
final class JwksRelay implements AutoCloseable {
  private final MockOidcProvider provider;
  private final HttpClient client;
  private final HttpServer server;
  private final List<String> published = new CopyOnWriteArrayList<>();
  private final List<JWK> extra = new CopyOnWriteArrayList<>();
  private final AtomicInteger fetches = new AtomicInteger();

  private JwksRelay(MockOidcProvider provider, HttpClient client, HttpServer server) {
    this.provider = provider;
    this.client = client;
    this.server = server;
  }

  static JwksRelay start(Vertx vertx, MockOidcProvider provider, String... issuerIds) throws Exception {
    HttpClient client = vertx.createHttpClient();
    HttpServer server = vertx.createHttpServer();
    JwksRelay relay = new JwksRelay(provider, client, server);
    relay.publish(issuerIds);
    server.requestHandler(request -> {
      relay.fetches.incrementAndGet();
      relay.keys().onComplete(keys -> {
        if (keys.succeeded()) {
          request.response().putHeader("Content-Type", "application/json").end(keys.result().encode());
        } else {
          request.response().setStatusCode(502).end();
        }
      });
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return relay;
  }

  String uri() {
    return "http://127.0.0.1:" + server.actualPort() + "/jwks";
  }

  /** From now on the JWKS holds the keys of these issuer ids. */
  void publish(String... issuerIds) {
    published.clear();
    published.addAll(List.of(issuerIds));
  }

  /** Publishes a key of the test's own beside the provider's (for algorithms the provider does not sign with). */
  void alsoPublish(JWK key) {
    extra.add(key.toPublicJWK());
  }

  int fetches() {
    return fetches.get();
  }

  private Future<JsonObject> keys() {
    List<Future<Buffer>> sets = published.stream()
        .map(id -> client.request(HttpMethod.GET, provider.port(), "127.0.0.1", "/" + id + "/jwks")
            .compose(request -> request.send().compose(response -> response.body())))
        .collect(Collectors.toList());
    return Future.all(sets).map(all -> {
      JsonArray keys = new JsonArray();
      extra.forEach(key -> keys.add(new JsonObject(key.toJSONObject())));
      for (Future<Buffer> set : sets) {
        set.result().toJsonObject().getJsonArray("keys").forEach(keys::add);
      }
      return new JsonObject().put("keys", keys);
    });
  }

  @Override
  public void close() {
    server.close();
    client.close();
  }
}
