package stream.terminal.lastmile.config;

import java.util.List;
import java.util.Set;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;

/**
 * One bound address. {@code authTokens} are TSLM's: when not empty a WebSocket client must offer one of them
 * in {@code Sec-WebSocket-Protocol}, and an HTTP client of the ingest API send one as a bearer token.
 *
 * @param allowedOrigins the browser origins admitted (auth/OriginPolicy entries)
 * @param allowUnauthenticated the operator's statement that an ingest listener on a non-loopback address without
 *     tokens or client certificates is protected otherwise (a private network)
 * @param tls certificate and key for TLS, or null for plain TCP
 * @param demoPage edge listeners only: serve the live demo page at {@code /demo/}
 * @param requireIdentity every connection, stream and request must present a valid credential (listener token,
 *     API key, publisher JWT or user token) before anything else
 * @param grpc ingest listeners only: also serve the gRPC ingest API, over HTTP/2 (h2c without TLS, ALPN h2 with it)
 * @param grpcWindow the most publishes of one gRPC PublishStream read and not yet acknowledged
 */
public record ListenerConfig(
    String name,
    String host,
    int port,
    Role role,
    Set<Permission> permissions,
    Limits limits,
    List<String> authTokens,
    List<String> allowedOrigins,
    boolean allowUnauthenticated,
    TlsConfig tls,
    boolean demoPage,
    boolean requireIdentity,
    boolean grpc,
    int grpcWindow) {
  /** The PublishStream window when {@code grpc_window} is not set. */
  public static final int DEFAULT_GRPC_WINDOW = 64;

  public boolean grants(Permission permission) {
    return permissions.contains(permission);
  }

  /**
   * The one permission check of every surface (WebSocket commands, SSE, the HTTP ingest API).
   *
   * @throws GatewayException {@code permission_denied} when this listener does not grant {@code permission}
   */
  public void require(Permission permission) {
    if (!grants(permission)) {
      throw new GatewayException(
          ErrorCode.PERMISSION_DENIED, "listener '" + name + "' does not grant " + permission.wire());
    }
  }
}
