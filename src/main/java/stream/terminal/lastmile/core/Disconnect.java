package stream.terminal.lastmile.core;

/**
 * Why the server closes a connection. The code is also the WebSocket close status. Codes 4000-4499 tell the
 * client it may reconnect (after a backoff); 4500-4999 that reconnecting with the same behaviour will fail again;
 * 1007 and 1009 are the standard "invalid payload data" and "message too big".
 */
public enum Disconnect {
  MESSAGE_TOO_BIG(1009, "message too big", false),
  /** A text message (or SockJS frame) that is not UTF-8: RFC 6455 8.1 fails the connection rather than alter it. */
  INVALID_UTF8(1007, "text message not valid UTF-8", false),
  SHUTDOWN(4000, "server shutting down", true),
  SLOW_CONSUMER(4001, "slow consumer: outbound queue full", true),
  IDLE_TIMEOUT(4002, "idle timeout: no frame or pong received", true),
  FLOOD(4003, "too many commands refused for rate limit", true),
  /** The connection's identity expired without a refresh: reconnect with a fresh token. */
  TOKEN_EXPIRED(4004, "token expired", true);

  private final short code;
  private final String reason;
  private final boolean reconnect;

  Disconnect(int code, String reason, boolean reconnect) {
    this.code = (short) code;
    this.reason = reason;
    this.reconnect = reconnect;
  }

  public short code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  public boolean reconnect() {
    return reconnect;
  }
}
