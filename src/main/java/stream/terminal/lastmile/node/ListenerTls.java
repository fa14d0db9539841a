package stream.terminal.lastmile.node;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import stream.terminal.lastmile.config.TlsConfig;

/**
 * Turns a listener's {@code tls} into server options: TLS 1.2/1.3 (Vert.x's default set) with the listener's
 * PEM certificate and key, HTTP/1.1 only (no ALPN, so no HTTP/2 either), and with a client CA, mutual TLS: a
 * client that shows no certificate signed by it fails the TLS handshake, before any HTTP is read. The TLS
 * handshake itself is bounded by Vert.x's SSL handshake timeout (10 s).
 */
public final class ListenerTls {
  private ListenerTls() {}

  /** @param tls the listener's TLS settings, or null to leave {@code options} plain */
  public static HttpServerOptions apply(HttpServerOptions options, TlsConfig tls) {
    if (tls == null) {
      return options;
    }
    options
        .setSsl(true)
        .setUseAlpn(false)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert()).setKeyPath(tls.key()));
    if (tls.mutual()) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(tls.clientCa())).setClientAuth(ClientAuth.REQUIRED);
    }
    return options;
  }
}
