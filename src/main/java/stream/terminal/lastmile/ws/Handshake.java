package stream.terminal.lastmile.ws;

import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import stream.terminal.lastmile.auth.TokenAuth;

/**
 * The server side of an RFC 6455 opening handshake, checked on a request that already asked for an upgrade
 * (GET, {@code Connection: Upgrade}, {@code Upgrade: websocket}): version 13 and a key of 16 bytes, and the
 * sub-protocol to echo, the first one offered that is one of the listener's tokens (browsers require the echo),
 * found by {@link TokenAuth}'s constant-time comparison.
 *
 * @param accept the {@code Sec-WebSocket-Accept} value
 * @param subProtocol the sub-protocol to echo, or null
 */
record Handshake(String accept, String subProtocol) {
  /** The one version of the protocol, and the one a refusal names (RFC 6455 4.4). */
  static final String VERSION = "13";
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  /** A request the handshake refuses: the HTTP status to answer and why. */
  static final class Refused extends Exception {
    private final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    int status() {
      return status;
    }
  }

  /**
   * Checks the request's WebSocket headers.
   *
   * @param tokens the listener's tokens, the only sub-protocols it accepts
   * @throws Refused with 426 for another version (the answer carries the one we speak), 400 for a missing or
   *     malformed key
   */
  static Handshake of(HttpServerRequest request, TokenAuth tokens) throws Refused {
    String version = request.getHeader(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
    if (!VERSION.equals(version == null ? null : version.trim())) {
      throw new Refused(426, "unsupported Sec-WebSocket-Version " + (version == null ? "(none)" : "'" + version + "'")
          + ": this server speaks version " + VERSION);
    }
    String key = request.getHeader(HttpHeaderNames.SEC_WEBSOCKET_KEY);
    if (key == null || !isKey(key.trim())) {
      throw new Refused(400, "Sec-WebSocket-Key must be 16 bytes in base64");
    }
    return new Handshake(accept(key.trim()),
        tokens.echo(request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)));
  }

  /** The 101 that completes the handshake. */
  FullHttpResponse response() {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
    response.headers()
        .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
        .set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, accept);
    if (subProtocol != null) {
      response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, subProtocol);
    }
    return response;
  }

  private static boolean isKey(String key) {
    try {
      return Base64.getDecoder().decode(key).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static String accept(String key) {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-1", e);
    }
  }
}
