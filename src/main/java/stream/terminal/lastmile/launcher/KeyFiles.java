package stream.terminal.lastmile.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import stream.terminal.lastmile.config.PublicKeys;

/** Publishers' private keys on disk: PKCS#8 PEM, written once, readable by the owner only. */
final class KeyFiles {
  private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String END = "-----END PRIVATE KEY-----";

  private KeyFiles() {}

  /**
   * Writes {@code key} to a new file; an existing file is never replaced (a key in use would be lost).
   *
   * @throws FileAlreadyExistsException when {@code file} exists
   */
  static void write(Path file, PrivateKey key) throws IOException {
    String pem = BEGIN + "\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(key.getEncoded()) + "\n" + END + "\n";
    if (Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix")) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(file);
    }
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
      out.write(pem.getBytes(StandardCharsets.US_ASCII));
    }
  }

  /**
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException when it holds no Ed25519 or P-256 PKCS#8 private key
   */
  static PrivateKey read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(file + " holds no PEM block " + BEGIN + " (PKCS#8)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN.length(), end));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": the PEM block is not base64");
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    try {
      return KeyFactory.getInstance("Ed25519").generatePrivate(spec);
    } catch (GeneralSecurityException notEd25519) {
      // try EC below
    }
    try {
      PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(spec);
      if (key instanceof ECPrivateKey ec && PublicKeys.isP256(ec.getParams())) {
        return key;
      }
    } catch (GeneralSecurityException e) {
      // reported below
    }
    throw new IllegalArgumentException(file + " holds no Ed25519 or P-256 private key");
  }
}
