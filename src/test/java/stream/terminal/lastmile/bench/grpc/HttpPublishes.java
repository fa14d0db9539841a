package stream.terminal.lastmile.bench.grpc;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 {@code POST /channels/{c}/messages}, one keep-alive connection per publish in flight (HTTP/1.1 has one
 * request at a time per connection; the client library's default pool of 5 would queue the rest in the generator).
 */
final class HttpPublishes implements Publishes {
  private final HttpClient http;
  private final RequestOptions request;
  private final Payloads payloads;

  HttpPublishes(Vertx vertx, int port, String channel, Payloads payloads, int inFlight) {
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(inFlight));
    this.request = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/channels/" + URLEncoder.encode(channel, StandardCharsets.UTF_8) + "/messages")
        .putHeader("Content-Type", "application/json");
    this.payloads = payloads;
  }

  @Override
  public Future<Void> open() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> publish(int n) {
    return http.request(request)
        .compose(req -> req.send(Buffer.buffer(payloads.json().get(n))))
        .compose(resp -> resp.body().compose(body -> resp.statusCode() == 200 ? Future.<Void>succeededFuture()
            : Future.failedFuture("HTTP publish refused: " + resp.statusCode() + " " + body)));
  }

  @Override
  public Future<Void> close() {
    return http.close();
  }
}
