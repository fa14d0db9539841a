package stream.terminal.lastmile.edge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.listener.CrossOrigin;
import stream.terminal.lastmile.listener.HttpReplies;

/**
 * The live demo page at {@code /demo/} (listener option {@code demo_page}): a fixed set of files from the
 * classpath, read once. Only the names below are served, so nothing else under {@code /demo/} exists: no
 * directory listing, and a path that climbs out (already resolved by the router) cannot name a file.
 */
public final class DemoPage {
  public static final String PATH = "/demo/";
  private static final String RESOURCES = "stream/terminal/lastmile/edge/demo/";
  /**
   * The page loads only its own files and {@code /client.js}, and talks only to its own origin (WebSocket and
   * EventSource included): an injected script or a framing page gets nothing.
   */
  private static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /** A served file: its bytes, type and strong validator. */
  private record Asset(Buffer body, String contentType, String etag) {}

  /** Name under {@code /demo/} -> file; the empty name is the page itself. */
  private static final Map<String, Asset> ASSETS = Map.of(
      "", load("index.html", "text/html; charset=utf-8"),
      "demo.css", load("demo.css", "text/css; charset=utf-8"),
      "demo.js", load("demo.js", "text/javascript; charset=utf-8"),
      "chart.js", load("chart.js", "text/javascript; charset=utf-8"));

  private DemoPage() {}

  /** Adds the page's routes, behind the listener's origin check, to {@code router}. */
  public static void mount(Router router, ListenerConfig listener) {
    // matches /demo as well: relative links need the slash, so that is sent there
    router.route(PATH + "*").handler(new CrossOrigin(listener)).handler(DemoPage::serve);
  }

  private static void serve(RoutingContext ctx) {
    // the router's normalised path: percent-decoded, with dot segments already resolved
    String path = ctx.normalizedPath();
    if (!path.startsWith(PATH)) {
      ctx.redirect(PATH);
      return;
    }
    String name = path.substring(PATH.length());
    Asset asset = ASSETS.get(name);
    if (asset == null) {
      HttpReplies.error(ctx, 404, ErrorCode.BAD_REQUEST, "no file " + PATH + name + " on the demo page");
      return;
    }
    HttpMethod method = ctx.request().method();
    if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
      ctx.response().putHeader("Allow", "GET, HEAD");
      HttpReplies.error(ctx, 405, ErrorCode.BAD_REQUEST, "the demo page is read with GET or HEAD");
      return;
    }
    HttpServerResponse response = ctx.response()
        .putHeader("Content-Type", asset.contentType())
        .putHeader("ETag", asset.etag())
        // revalidated on every load: a node upgraded in place serves its new page at once
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
    if (name.isEmpty()) {
      response.putHeader("Content-Security-Policy", PAGE_POLICY);
    }
    if (asset.etag().equals(ctx.request().getHeader("If-None-Match"))) {
      response.setStatusCode(304).end();
      return;
    }
    response.end(asset.body());
  }

  private static Asset load(String file, String contentType) {
    try (InputStream in = DemoPage.class.getClassLoader().getResourceAsStream(RESOURCES + file)) {
      if (in == null) {
        throw new IllegalStateException("the demo page's " + RESOURCES + file + " is missing from the classpath");
      }
      byte[] bytes = in.readAllBytes();
      String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
      return new Asset(Buffer.buffer(bytes), contentType, "\"" + hash + "\"");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
