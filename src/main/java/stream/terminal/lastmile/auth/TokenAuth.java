package stream.terminal.lastmile.auth;

import java.util.List;

/**
 * TSLM's listener tokens, offered by WebSocket clients in {@code Sec-WebSocket-Protocol} and by HTTP clients as
 * {@code Authorization: Bearer <token>}. Only SHA-256 digests are kept, and every comparison goes through
 * {@link Secrets}, so neither a heap dump of this object nor the timing of a refusal tells an attacker how much of
 * a guess was right. The tokens' text is read only here.
 */
public final class TokenAuth {
  /** Offers past this many are ignored, so one handshake cannot buy an unbounded number of hashes. */
  private static final int MAX_OFFERS = 16;

  private final List<byte[]> digests;

  public TokenAuth(List<String> tokens) {
    this.digests = tokens.stream().map(Secrets::sha256).toList();
  }

  public boolean required() {
    return !digests.isEmpty();
  }

  /** @param header the Sec-WebSocket-Protocol header value (comma-separated), may be null */
  public boolean acceptsOffer(String header) {
    if (!required()) {
      return true;
    }
    return header != null && echo(List.of(header)) != null;
  }

  /**
   * The sub-protocol a WebSocket handshake echoes (browsers require it): the first one offered that is one of the
   * tokens, or null. Headers may repeat and hold lists; offers past {@value #MAX_OFFERS} are ignored.
   */
  public String echo(List<String> headers) {
    int offers = 0;
    String echoed = null;
    for (String header : headers) {
      for (String offer : header.split(",")) {
        if (offers++ == MAX_OFFERS) {
          return echoed;
        }
        // every offer is hashed and compared, the one after a match too: the time says nothing about which matched
        String protocol = offer.trim();
        if (Secrets.matchesAny(protocol, digests) && echoed == null) {
          echoed = protocol;
        }
      }
    }
    return echoed;
  }

  /** @param authorization the Authorization header value, may be null */
  public boolean acceptsBearer(String authorization) {
    if (!required()) {
      return true;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return acceptsToken(authorization.substring(7).trim());
  }

  /** @param token a token as sent, where a client cannot set headers (an SSE query parameter); may be null */
  public boolean acceptsToken(String token) {
    if (!required()) {
      return true;
    }
    return isToken(token);
  }

  /** Whether {@code credential} is one of the tokens (never, when there are none). */
  public boolean isToken(String credential) {
    return credential != null && Secrets.matchesAny(credential, digests);
  }
}
