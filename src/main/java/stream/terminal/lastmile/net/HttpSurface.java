package stream.terminal.lastmile.net;

import io.vertx.core.http.HttpServerOptions;

/** The HTTP a listener speaks: HTTP/1.1 only (but gRPC's HTTP/2 where enabled), with bounded request lines and headers. */
public final class HttpSurface {
  /**
   * Longest request line (method, path with query, version). Honest ones here are short: a WebSocket path, an
   * ingest URL with a channel name of at most 128 characters. Longer gets 414 and the connection closes.
   */
  public static final int MAX_REQUEST_LINE = 4096;
  /**
   * Total size of a request's headers. Browsers send well under 4 KiB to a host of its own (no site cookies);
   * tokens in Sec-WebSocket-Protocol or Authorization fit. Larger gets 431 and the connection closes.
   */
  public static final int MAX_HEADERS = 8192;

  private HttpSurface() {}

  /**
   * Restricts {@code options} to the surface above. Cleartext HTTP/2 (h2c, by upgrade or prior knowledge) is
   * on by default in Vert.x: off, since nothing here needs it and each HTTP/2 connection multiplexes streams
   * past every per-request bound of this package. Only an ingest listener with {@code grpc: true} turns it back
   * on, for its gRPC calls.
   */
  public static HttpServerOptions restrict(HttpServerOptions options) {
    return options
        .setHttp2ClearTextEnabled(false)
        .setMaxInitialLineLength(MAX_REQUEST_LINE)
        .setMaxHeaderSize(MAX_HEADERS);
  }
}
