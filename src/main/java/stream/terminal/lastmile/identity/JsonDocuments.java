package stream.terminal.lastmile.identity;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * Fetches an issuer's small JSON documents (discovery, JWKS) over http(s): bounded in size and time, so a slow or
 * hostile endpoint can neither hang a sign-on nor fill the heap. https uses the JVM's default trust store.
 */
final class JsonDocuments {
  /** Far above any real JWKS (a few KiB) or discovery document. */
  static final int MAX_BYTES = 1024 * 1024;
  static final long TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final HttpClient client;

  JsonDocuments(Vertx vertx) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) TIMEOUT_MS)
        .setVerifyHost(true)
        .setMaxRedirects(0));
  }

  /** @return the body as a string, or a failure whose message says what went wrong (never the body itself) */
  Future<String> get(String uri) {
    RequestOptions options;
    try {
      options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(uri).putHeader("Accept", "application/json");
    } catch (RuntimeException e) {
      return Future.failedFuture("not a usable URL: " + uri);
    }
    Promise<String> result = Promise.promise();
    long timer = vertx.setTimer(TIMEOUT_MS,
        t -> result.tryFail("no complete answer from " + uri + " within " + TIMEOUT_MS + " ms"));
    client.request(options)
        .compose(request -> {
          // a timeout or a refusal below must also end the exchange, not only the promise
          result.future().onFailure(f -> request.reset());
          return request.send();
        })
        .onFailure(f -> result.tryFail("cannot fetch " + uri + ": " + f.getMessage()))
        .onSuccess(response -> {
          if (response.statusCode() != 200) {
            result.tryFail(uri + " answered HTTP " + response.statusCode());
            return;
          }
          Buffer body = Buffer.buffer();
          response.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_BYTES) {
              result.tryFail(uri + " answered more than " + MAX_BYTES + " bytes");
            } else {
              body.appendBuffer(chunk);
            }
          });
          response.exceptionHandler(f -> result.tryFail("cannot read " + uri + ": " + f.getMessage()));
          response.endHandler(v -> result.tryComplete(body.toString()));
        });
    return result.future().andThen(done -> vertx.cancelTimer(timer));
  }
}
