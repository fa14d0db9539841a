package stream.terminal.lastmile.grpc;

import stream.terminal.lastmile.config.Limits;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.TokenBucket;

/**
 * What one HTTP/2 connection's calls share, as a WebSocket connection's commands do: the listener's
 * {@code commands_per_second} (each call and each message of a PublishStream takes a token) and
 * {@code max_subscriptions} (Subscribe calls open at once). Used on the connection's event loop only.
 */
final class GrpcConnection {
  private final Limits limits;
  private final TokenBucket rate;
  private int subscribes;

  GrpcConnection(Limits limits) {
    this.limits = limits;
    this.rate = limits.rateLimited() ? new TokenBucket(limits.commandsPerSecond(), limits.burst(), System.nanoTime()) : null;
  }

  /** @throws GatewayException {@code rate_limited} past the listener's commands per second */
  void takeToken() {
    if (rate != null && !rate.tryAcquire(System.nanoTime())) {
      throw new GatewayException(ErrorCode.RATE_LIMITED, "more than " + limits.commandsPerSecond()
          + " calls and stream messages per second on this connection");
    }
  }

  /** @throws GatewayException {@code limit_exceeded} when the connection has its maximum of Subscribe calls open */
  void subscribeStarted() {
    if (subscribes >= limits.maxSubscriptions()) {
      throw new GatewayException(ErrorCode.LIMIT_EXCEEDED,
          "at most " + limits.maxSubscriptions() + " Subscribe calls open per connection");
    }
    subscribes++;
  }

  void subscribeEnded() {
    subscribes--;
  }
}
