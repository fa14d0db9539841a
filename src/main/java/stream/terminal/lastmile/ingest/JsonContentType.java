package stream.terminal.lastmile.ingest;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import stream.terminal.lastmile.listener.HttpReplies;
import stream.terminal.lastmile.core.ErrorCode;

/**
 * Requests with a body must declare it JSON ({@code application/json} or {@code type/anything+json}, parameters
 * such as charset allowed), or, for a publish, Protobuf ({@code application/x-protobuf}), else 415. A web page can
 * send a form or {@code text/plain} POST to any address without a CORS preflight; these content types force one,
 * so a page cannot publish through a listener that its visitor's browser can reach. Checked before the body is
 * read.
 */
final class JsonContentType {
  private JsonContentType() {}

  static void require(RoutingContext ctx) {
    MultiMap headers = ctx.request().headers();
    if (!hasBody(headers) || isJson(headers.get("Content-Type"))) {
      ctx.next();
    } else {
      HttpReplies.error(ctx, ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "a request body must be sent with Content-Type: application/json");
    }
  }

  /** A publish's body: JSON, or a Protobuf message (its type in {@code Last-Mile-Type}). */
  static void requireForPublish(RoutingContext ctx) {
    MultiMap headers = ctx.request().headers();
    if (!hasBody(headers) || isJson(headers.get("Content-Type")) || isProtobuf(headers.get("Content-Type"))) {
      ctx.next();
    } else {
      HttpReplies.error(ctx, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "a message must be sent with Content-Type: "
          + "application/json, or application/x-protobuf with its type in Last-Mile-Type");
    }
  }

  static boolean isProtobuf(String contentType) {
    return mediaType(contentType).equals("application/x-protobuf");
  }

  static boolean isJson(String contentType) {
    String type = mediaType(contentType);
    int slash = type.indexOf('/');
    return type.equals("application/json")
        || (slash > 0 && type.endsWith("+json") && type.length() > slash + 1 + "+json".length()
            && type.indexOf('/', slash + 1) < 0);
  }

  /** The type and subtype, lower case, without parameters; empty when there is no header. */
  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  private static boolean hasBody(MultiMap headers) {
    String length = headers.get("Content-Length");
    return headers.contains("Transfer-Encoding") || (length != null && !length.trim().equals("0"));
  }
}
