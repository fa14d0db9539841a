package stream.terminal.lastmile.config;

import java.util.List;
import java.util.Set;

/**
 * One bound address. {@code authTokens} are TSLM's: when not empty a WebSocket client must offer one of them
 * in {@code Sec-WebSocket-Protocol}, and an HTTP client of the ingest API send one as a bearer token.
 */
public record ListenerConfig(
    String name, String host, int port, Role role, Set<Permission> permissions, Limits limits, List<String> authTokens) {

  public boolean grants(Permission permission) {
    return permissions.contains(permission);
  }
}
