package stream.terminal.lastmile.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A listener's {@code tls}: its certificate chain and private key (PEM files), and optionally the CA whose
 * certificates clients must present (mutual TLS, private listeners only).
 *
 * @param cert PEM certificate chain, the listener's own certificate first
 * @param key PEM private key (PKCS#8 or PKCS#1) of that certificate
 * @param clientCa PEM certificates of the CAs that sign client certificates, or null: no client certificate asked
 */
public record TlsConfig(String cert, String key, String clientCa) {

  public boolean mutual() {
    return clientCa != null;
  }

  /** The listener's {@code tls} mapping, or null when it has none. Files are read here, so a typo stops startup. */
  static TlsConfig read(ConfigReader listener, Role role) {
    if (!listener.has("tls")) {
      return null;
    }
    ConfigReader r = listener.object("tls");
    String cert = pem(r, "cert", "CERTIFICATE", true);
    String key = pem(r, "key", "PRIVATE KEY", true);
    String clientCa = pem(r, "client_ca", "CERTIFICATE", false);
    if (clientCa != null && role == Role.EDGE) {
      throw ConfigException.at(r.path("client_ca"),
          "client certificates are for private listeners (ingest, ops); an edge listener serves browsers");
    }
    r.rejectUnknown();
    return new TlsConfig(cert, key, clientCa);
  }

  /** A readable file holding a PEM block whose label ends with {@code label}. */
  private static String pem(ConfigReader r, String option, String label, boolean required) {
    String file = r.string(option, null);
    if (file == null) {
      if (required) {
        throw ConfigException.at(r.path(option), "required: a PEM file path");
      }
      return null;
    }
    String text;
    try {
      text = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw ConfigException.at(r.path(option), "cannot read " + file + ": " + e);
    }
    if (!text.matches("(?s).*-----BEGIN [A-Z ]*" + label + "-----.*")) {
      throw ConfigException.at(r.path(option), file + " holds no PEM block '" + label + "'");
    }
    return file;
  }
}
