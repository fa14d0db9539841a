package stream.terminal.lastmile.sdk;

/** Asks the options' supplier for the credential of one call or connect. */
final class Credentials {
  /** The node refuses longer ones unread (docs/protocol.md, Signing on). */
  private static final int MAX_CHARS = 8192;

  private Credentials() {}

  /** The credential to send, or null when the client is anonymous. */
  static String next(ClientOptions options) {
    if (options.credential() == null) {
      return null;
    }
    String credential = options.credential().get();
    if (credential == null || credential.isBlank()) {
      return null;
    }
    credential = credential.trim();
    if (credential.length() > MAX_CHARS || credential.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      // never echoed: a credential pasted into the wrong field must not end up in a log
      throw new LastMileException("invalid_token", "the credential is not a token (printable ASCII, at most "
          + MAX_CHARS + " characters)");
    }
    return credential;
  }
}
