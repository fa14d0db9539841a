package stream.terminal.lastmile.identity;

import io.vertx.core.Future;
import stream.terminal.lastmile.config.ListenerConfig;

/** TEMPORARY stand-in for H1's class (same signature), replaced at merge. */
public final class Authenticator {
  public Future<Identity> authenticate(String credential, ListenerConfig listener) {
    throw new UnsupportedOperationException();
  }
}
