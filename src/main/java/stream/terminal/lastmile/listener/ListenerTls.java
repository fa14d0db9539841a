package stream.terminal.lastmile.listener;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Collections;
import javax.net.ssl.X509KeyManager;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.config.TlsConfig;

/**
 * Turns a listener's {@code tls} into server options: TLS 1.2/1.3 (Vert.x's default set) with the listener's
 * PEM certificate and key, HTTP/1.1 only (no ALPN, so no HTTP/2 either, unless the listener serves gRPC: see
 * {@code GrpcEndpoint.speakHttp2}), and with a client CA, mutual TLS: a
 * client that shows no certificate signed by it fails the TLS handshake, before any HTTP is read. The TLS
 * handshake itself is bounded by Vert.x's SSL handshake timeout (10 s).
 */
public final class ListenerTls {
  private ListenerTls() {}

  /**
   * @param options the listener's plain server options, returned with TLS added when the listener has it
   * @throws IllegalStateException when the key does not belong to the certificate: the TLS stack would bind
   *     anyway and then fail every handshake, so the node would look ready and serve nobody
   */
  public static HttpServerOptions apply(Vertx vertx, ListenerConfig listener, HttpServerOptions options) {
    TlsConfig tls = listener.tls();
    if (tls == null) {
      return options;
    }
    PemKeyCertOptions identity = new PemKeyCertOptions().setCertPath(tls.cert()).setKeyPath(tls.key());
    requireMatchingKey(vertx, listener.name(), identity);
    options.setSsl(true).setUseAlpn(false).setKeyCertOptions(identity);
    if (tls.mutual()) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(tls.clientCa())).setClientAuth(ClientAuth.REQUIRED);
    }
    return options;
  }

  /** Signs a probe with the key and verifies it with the certificate's public key. */
  private static void requireMatchingKey(Vertx vertx, String listener, PemKeyCertOptions identity) {
    try {
      KeyStore store = identity.loadKeyStore(vertx);
      X509KeyManager keys = (X509KeyManager) identity.getKeyManagerFactory(vertx).getKeyManagers()[0];
      for (String alias : Collections.list(store.aliases())) {
        PrivateKey key = keys.getPrivateKey(alias);
        X509Certificate[] chain = keys.getCertificateChain(alias);
        if (key != null && chain != null && chain.length > 0 && !matches(key, chain[0])) {
          throw new IllegalStateException("listener '" + listener + "': tls.key is not the private key of the"
              + " certificate in tls.cert");
        }
      }
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("listener '" + listener + "': cannot load tls.cert and tls.key: " + e, e);
    }
  }

  private static boolean matches(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      default -> null;
    };
    if (algorithm == null) {
      return true; // a key type this check does not know: the TLS handshake is the judge
    }
    byte[] probe = "last-mile key check".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    try {
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // e.g. an RSA signature against an EC public key
    }
  }
}
