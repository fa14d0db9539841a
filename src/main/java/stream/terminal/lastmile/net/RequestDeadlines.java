package stream.terminal.lastmile.net;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Closes an HTTP/1.x connection that holds the server without making progress:
 * <ul>
 *   <li>a request (headers and body, a WebSocket upgrade included) must arrive whole within the handshake
 *       timeout of its first byte, or of the accept for a connection's first request. A deadline, not an idle
 *       timer: a slowloris client that trickles one header byte every few seconds is never idle;</li>
 *   <li>a connection with no request arriving and no response outstanding is closed after the keep-alive
 *       timeout.</li>
 * </ul>
 * Both end at a WebSocket upgrade (a 101 response): an upgraded connection has its own pings and idle timeout.
 * Runs on the connection's event loop. One handler sits after the HTTP decoder and sees whole requests and
 * responses; a second one before it sees the first byte of the next request.
 */
final class RequestDeadlines extends ChannelDuplexHandler {
  /** Which timer closed a connection; the wire names are the {@code timeout} tag of its counter. */
  enum Timeout {
    HANDSHAKE("handshake"),
    KEEP_ALIVE("keep_alive");

    final String wire;

    Timeout(String wire) {
      this.wire = wire;
    }
  }

  private final long handshakeMs;
  private final long keepAliveMs;
  private final Consumer<Timeout> expired;
  private final FirstByte firstByte = new FirstByte();
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  /** Bytes of a request are in and the request is not whole yet; the accept counts as the first request's start. */
  private boolean receiving = true;
  /**
   * Requests whose headers are in and whose response is not written whole yet (more than one when a client
   * pipelines). A response may end before its request does: the router answers a GET on its headers.
   */
  private int unanswered;

  private RequestDeadlines(long handshakeMs, long keepAliveMs, Consumer<Timeout> expired) {
    this.handshakeMs = handshakeMs;
    this.keepAliveMs = keepAliveMs;
    this.expired = expired;
  }

  /**
   * Puts both handlers around the HTTP/1.x decoder of a freshly accepted connection; the handshake deadline of
   * its first request starts now. A pipeline without that codec (HTTP/2, by prior knowledge or by an
   * {@code Upgrade: h2c} that took out the encoder on a listener with gRPC) is left alone.
   */
  static void install(ChannelPipeline pipeline, long handshakeMs, long keepAliveMs, Consumer<Timeout> expired) {
    if (pipeline.get("httpDecoder") == null || pipeline.get("httpEncoder") == null) {
      return;
    }
    RequestDeadlines deadlines = new RequestDeadlines(handshakeMs, keepAliveMs, expired);
    pipeline.addBefore("httpDecoder", "lastmileFirstByte", deadlines.firstByte);
    pipeline.addAfter("httpEncoder", "lastmileDeadlines", deadlines);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    arm(handshakeMs, Timeout.HANDSHAKE);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  /** Requests from the decoder (one that failed to decode is whole too: the server answers it). */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      unanswered++;
    }
    if (msg instanceof LastHttpContent) {
      receiving = false;
      cancel();
      idleUnlessAnswering();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      ctx.write(msg, promise);
      if (response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
        ctx.pipeline().remove(firstByte);
        ctx.pipeline().remove(this);
      }
      return; // 100 Continue is not the end of a response
    }
    if (msg instanceof LastHttpContent && unanswered > 0) {
      unanswered--;
      idleUnlessAnswering();
    }
    ctx.write(msg, promise);
  }

  private void idleUnlessAnswering() {
    if (unanswered == 0 && !receiving) {
      arm(keepAliveMs, Timeout.KEEP_ALIVE);
    }
  }

  private void requestStarted() {
    if (!receiving) {
      receiving = true;
      arm(handshakeMs, Timeout.HANDSHAKE);
    }
  }

  private void arm(long delayMs, Timeout kind) {
    cancel();
    timer = ctx.executor().schedule(() -> {
      timer = null;
      expired.accept(kind);
      ctx.close();
    }, delayMs, TimeUnit.MILLISECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /**
   * Before the decoder, which shows nothing of a request until its headers are complete: raw bytes after a
   * whole request start the next one. Bytes of the next request that arrive in the same read as the end of the
   * previous one go unseen; that request is then bounded by the keep-alive timeout instead.
   */
  private final class FirstByte extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      requestStarted();
      ctx.fireChannelRead(msg);
    }
  }
}
