package stream.terminal.lastmile.bench;

import java.net.URI;

/** A URL whose path may hold {@code {c}}, the place of a channel name (braces are not legal in a URI path). */
record UrlTemplate(String host, int port, String path) {
  private static final String ESCAPED = "%7Bc%7D";

  static UrlTemplate parse(String url) {
    URI uri = URI.create(url.replace("{c}", ESCAPED));
    if (uri.getHost() == null || uri.getPort() < 0) {
      throw new IllegalArgumentException("need a URL with host and port: " + url);
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    return new UrlTemplate(uri.getHost(), uri.getPort(), path.replace(ESCAPED, "{c}"));
  }

  String path(String channel) {
    return path.replace("{c}", channel);
  }
}
