package stream.terminal.lastmile.edge;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.listener.CrossOrigin;
import stream.terminal.lastmile.listener.HttpReplies;
import stream.terminal.lastmile.core.ErrorCode;

/**
 * Serves the browser client ({@code src/main/js/client/client.js}, copied into the jar by the build) at
 * {@code /client.js}. It is a module script: a page on another site loads it in CORS mode, so the listener's
 * {@code allowed_origins} decide who may, as for its other HTTP answers. The body is read once per node; the
 * ETag lets browsers revalidate it cheaply after the short max-age (a new release changes it).
 */
public final class ClientScript implements Handler<RoutingContext> {
  public static final String PATH = "/client.js";
  static final String RESOURCE = "web/client.js";
  private static final String CACHE_CONTROL = "public, max-age=300";

  private static final Buffer BODY = Buffer.buffer(load());
  private static final String ETAG = etag(BODY.getBytes());

  private ClientScript() {}

  /** Routes {@code GET} and {@code HEAD /client.js}, behind the listener's origin check. */
  public static void mount(Router router, ListenerConfig listener) {
    router.route(PATH).handler(new CrossOrigin(listener));
    router.route(HttpMethod.GET, PATH).handler(new ClientScript());
    router.route(HttpMethod.HEAD, PATH).handler(new ClientScript());
    router.route(PATH).handler(ctx -> {
      ctx.response().putHeader("Allow", "GET, HEAD");
      HttpReplies.error(ctx, 405, ErrorCode.BAD_REQUEST, "the client is read with GET or HEAD");
    });
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "text/javascript; charset=utf-8")
        .putHeader("Cache-Control", CACHE_CONTROL)
        .putHeader("ETag", ETAG)
        .putHeader("X-Content-Type-Options", "nosniff");
    if (ETAG.equals(ctx.request().getHeader("If-None-Match"))) {
      ctx.response().setStatusCode(304).end();
    } else if (ctx.request().method() == HttpMethod.HEAD) {
      ctx.response().putHeader("Content-Length", Integer.toString(BODY.length())).end();
    } else {
      ctx.response().end(BODY);
    }
  }

  private static byte[] load() {
    try (InputStream in = ClientScript.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath: build with Maven (process-resources)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String etag(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
