package stream.terminal.lastmile.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * TSLM's listener tokens, offered by WebSocket clients in {@code Sec-WebSocket-Protocol} and by HTTP clients as
 * {@code Authorization: Bearer <token>}. Only SHA-256 digests are kept
 * for the check, and every digest is compared in constant time, so neither a heap dump of this object nor the
 * timing of a refusal tells an attacker how much of a guess was right.
 */
public final class TokenAuth {
  /** Offers past this many are ignored, so one handshake cannot buy an unbounded number of hashes. */
  private static final int MAX_OFFERS = 16;

  private final List<byte[]> digests;

  public TokenAuth(List<String> tokens) {
    this.digests = tokens.stream().map(TokenAuth::sha256).toList();
  }

  public boolean required() {
    return !digests.isEmpty();
  }

  /** @param header the Sec-WebSocket-Protocol header value (comma-separated), may be null */
  public boolean acceptsOffer(String header) {
    if (!required()) {
      return true;
    }
    if (header == null) {
      return false;
    }
    boolean match = false;
    String[] offers = header.split(",", MAX_OFFERS + 1);
    for (int i = 0; i < Math.min(offers.length, MAX_OFFERS); i++) {
      String offered = offers[i];
      byte[] digest = sha256(offered.trim());
      for (byte[] known : digests) {
        match |= MessageDigest.isEqual(known, digest);
      }
    }
    return match;
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
    if (token == null) {
      return false;
    }
    byte[] digest = sha256(token);
    boolean match = false;
    for (byte[] known : digests) {
      match |= MessageDigest.isEqual(known, digest);
    }
    return match;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
