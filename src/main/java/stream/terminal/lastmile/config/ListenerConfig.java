package stream.terminal.lastmile.config;

import java.util.List;
import java.util.Set;

/**
 * One bound address. {@code authTokens} are TSLM's: when not empty a WebSocket client must offer one of them
 * in {@code Sec-WebSocket-Protocol}, and an HTTP client of the ingest API send one as a bearer token.
 *
 * @param allowedOrigins the browser origins admitted (auth/OriginPolicy entries)
 * @param allowUnauthenticated the operator's statement that an ingest listener on a non-loopback address without
 *     tokens or client certificates is protected otherwise (a private network)
 * @param tls certificate and key for TLS, or null for plain TCP
 * @param demoPage edge listeners only: serve the live demo page at {@code /demo/}
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
    boolean demoPage) {

  public boolean grants(Permission permission) {
    return permissions.contains(permission);
  }
}
