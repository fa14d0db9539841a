package stream.terminal.lastmile.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Handler;
import io.vertx.core.net.impl.ShutdownEvent;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import stream.terminal.lastmile.config.Limits;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.net.AddressBudget;
import stream.terminal.lastmile.protocol.TextFrame;
import stream.terminal.lastmile.session.ClientSession;
import stream.terminal.lastmile.session.CommandDispatcher;
import stream.terminal.lastmile.session.Services;
import stream.terminal.lastmile.session.Transport;

/**
 * One WebSocket client, as the last handler of its channel's pipeline (see {@link Upgrade}), and the transport
 * of its {@link ClientSession}. It owns what is WebSocket-specific: messages assembled from fragments under the
 * size limit, pings answered through the rate limit and the outbound bound (a pong written past any bound would
 * let a client that pings without reading grow the node without limit), the idle clock the endpoint's sweep
 * reads, and the close handshake both ways. Everything runs on the channel's event loop, the verticle's, and
 * what reaches the session from Netty is dispatched on the verticle's context, as Vert.x dispatched its own
 * WebSocket's events: the session's timers, futures and bus consumers belong to that context.
 */
final class WebSocketConnection extends ChannelInboundHandlerAdapter
    implements Transport, Handler<WebSocketFrame> {
  private static final System.Logger LOG = System.getLogger(WebSocketConnection.class.getName());
  /** How long a close frame we sent waits for the client's before the connection is dropped (Vert.x's default). */
  static final long CLOSE_TIMEOUT_MS = 10_000;

  private final Endpoint endpoint;
  private final Services services;
  private final int sweepSlice;
  private ChannelHandlerContext ctx;
  private FrameWriter writer;
  private ClientSession session;
  private CommandDispatcher commands;
  /** Only while a fragmented message is arriving. */
  private MessageAssembler assembler;
  private long lastReadMs;
  private boolean closeSent;
  private ScheduledFuture<?> closeTimeout;

  /** @param sweepSlice the group of the endpoint's ping sweep this connection is in */
  WebSocketConnection(Endpoint endpoint, Services services, int sweepSlice) {
    this.endpoint = endpoint;
    this.services = services;
    this.sweepSlice = sweepSlice;
    this.lastReadMs = System.currentTimeMillis();
  }

  /** The session starts when the connection takes its place in the pipeline. */
  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.writer = new FrameWriter(ctx, endpoint.flusher(), limits().writeQueueBytes());
    this.session = new ClientSession(endpoint.vertx(), this, endpoint.config(), services,
        AddressBudget.of(ctx.channel()));
    this.commands = new CommandDispatcher(session);
  }

  ClientSession session() {
    return session;
  }

  int sweepSlice() {
    return sweepSlice;
  }

  long lastReadMs() {
    return lastReadMs;
  }

  /** How long the outbound queue has stayed past write_queue_bytes (0 when it is under). */
  long unwritableMs(long nowMs) {
    return writer.unwritableMs(nowMs);
  }

  void ping() {
    if (!session.closing()) {
      writer.writePing();
    }
  }

  private Limits limits() {
    return endpoint.config().limits();
  }

  private void touch() {
    lastReadMs = System.currentTimeMillis();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof WebSocketFrame frame) {
      endpoint.context().dispatch(frame, this);
    } else {
      ReferenceCountUtil.release(msg); // the end of the upgrade request, from the HTTP decoder's last read
    }
  }

  /** A frame from the decoder, on the verticle's context; released here. */
  @Override
  public void handle(WebSocketFrame frame) {
    touch();
    try {
      if (frame instanceof PingWebSocketFrame) {
        onPing(frame.content());
      } else if (frame instanceof PongWebSocketFrame) {
        // our own pings' answers cost the client one token per ping interval; unsolicited pong floods are dropped
        session.takeToken();
      } else if (frame instanceof CloseWebSocketFrame close) {
        onClose(close);
      } else if (session.reading()) {
        onData(frame);
      }
    } finally {
      frame.release();
    }
  }

  /**
   * A client's ping is answered like a command: it takes a token (a refused one is not answered and counts
   * toward the flood disconnect), and its pong meets the outbound bound.
   */
  private void onPing(ByteBuf payload) {
    if (session.takeToken() && session.hasRoom()) {
      writer.writePong(payload);
    }
  }

  /**
   * A data frame: a whole message is handled at once, fragments are joined first. Every frame but a message's
   * last takes a rate token here, as pings do (the last one's is the message's, taken when it is handled): a
   * refused one drops the message, and a flood of fragments ends in 4003 like a flood of commands.
   */
  private void onData(WebSocketFrame frame) {
    boolean first = !(frame instanceof ContinuationWebSocketFrame);
    if (first && frame.isFinalFragment()) {
      handle(frame.content(), frame instanceof TextWebSocketFrame);
      return;
    }
    if (first) {
      assembler = new MessageAssembler(ctx.alloc(), frame instanceof TextWebSocketFrame, limits().maxFrameBytes());
    }
    if (assembler == null || !frame.isFinalFragment()) {
      if (!session.takeToken()) {
        refuseMessage();
        return;
      }
      if (assembler == null) {
        return; // a continuation of a message already dropped
      }
    }
    switch (assembler.append(frame.content(), frame.isFinalFragment())) {
      case TOO_LARGE -> {
        assembler = null;
        tooLarge();
      }
      case INVALID_UTF8 -> {
        assembler = null;
        invalidUtf8();
      }
      case KEPT -> {
        if (frame.isFinalFragment()) {
          MessageAssembler whole = assembler;
          assembler = null;
          ByteBuf message = whole.message();
          try {
            handle(message, whole.text());
          } finally {
            message.release();
          }
        }
      }
    }
  }

  /**
   * A fragment without a token: its message gets its one reply, {@code rate_limited} (its id is unknown), and
   * the rest of it is dropped, each of its frames still taking a token.
   */
  private void refuseMessage() {
    if (assembler != null) {
      dropMessage();
      if (!session.closing()) {
        session.error(null, null, new GatewayException(ErrorCode.RATE_LIMITED,
            "more than " + limits().commandsPerSecond() + " commands per second"));
      }
    }
  }

  private void dropMessage() {
    if (assembler != null) {
      assembler.release();
      assembler = null;
    }
  }

  /** A whole message; text that is not UTF-8 fails the connection (RFC 6455 8.1) rather than being altered. */
  private void handle(ByteBuf message, boolean text) {
    if (!text) {
      commands.onBinary();
    } else if (Utf8Validator.valid(message)) {
      commands.onText(message.toString(StandardCharsets.UTF_8));
    } else {
      invalidUtf8();
    }
  }

  private void invalidUtf8() {
    if (!session.closing()) {
      LOG.log(Level.DEBUG, "closing {0}: a text message that is not UTF-8", remote());
      session.disconnect(Disconnect.INVALID_UTF8);
    }
  }

  /** From the size guard: a frame over max_frame_bytes. */
  void tooLargeFrame() {
    endpoint.context().dispatch(v -> tooLarge());
  }

  /** A message over max_frame_bytes: whether one frame or fragments, the client gets the notice and 1009. */
  private void tooLarge() {
    touch();
    if (!session.closing()) {
      LOG.log(Level.DEBUG, "closing {0}: message over {1} bytes", remote(), limits().maxFrameBytes());
      session.disconnect(Disconnect.MESSAGE_TOO_BIG);
    }
  }

  /**
   * The client's close frame: the answer to ours ends the connection; otherwise ours echoes its status (none if it
   * gave none), and the connection ends once it is sent.
   */
  private void onClose(CloseWebSocketFrame close) {
    if (closeSent) {
      ctx.close();
      return;
    }
    closeSent = true;
    session.closed();
    int status = close.statusCode(); // -1 when it carried none; the decoder refuses invalid ones (1002)
    if (status < 0) {
      ctx.writeAndFlush(emptyClose()).addListener(ChannelFutureListener.CLOSE);
    } else {
      writer.writeClose(status, "").addListener(ChannelFutureListener.CLOSE);
    }
  }

  private ByteBuf emptyClose() {
    return ctx.alloc().heapBuffer(2).writeByte(0x88).writeByte(0);
  }

  /** Sends our close frame and waits for the client's, at most {@link #CLOSE_TIMEOUT_MS}. */
  private void close(int status, String reason) {
    if (closeSent) {
      return;
    }
    closeSent = true;
    writer.writeClose(status, reason);
    closeTimeout = ctx.executor().schedule(() -> {
      closeTimeout = null;
      ctx.close();
    }, CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (closeTimeout != null) {
      closeTimeout.cancel(false);
      closeTimeout = null;
    }
    dropMessage();
    endpoint.context().dispatch(v -> {
      session.closed();
      endpoint.closed(this);
    });
    ctx.fireChannelInactive();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    endpoint.context().dispatch(v -> writer.writabilityChanged());
    ctx.fireChannelWritabilityChanged();
  }

  /** The server's graceful shutdown: the session finishes what is in flight, then sends its notice (4000). */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof ShutdownEvent) {
      endpoint.context().dispatch(v -> session.drain());
    } else {
      ReferenceCountUtil.release(event);
    }
  }

  /** A protocol violation closes with the decoder's status (1002, 1007, 1009); anything else drops the connection. */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException corrupted && ctx.channel().isActive()) {
      LOG.log(Level.DEBUG, "closing {0}: {1}", remote(), cause.getMessage());
      endpoint.context().dispatch(v -> session.closed());
      if (!closeSent) {
        closeSent = true;
        writer.writeClose(corrupted.closeStatus().code(), "").addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.close();
      }
      return;
    }
    LOG.log(Level.DEBUG, "connection error from {0}: {1}", remote(), cause.toString());
    ctx.close();
  }

  @Override
  public void reply(TextFrame frame) {
    writer.write(frame);
  }

  @Override
  public void error(TextFrame frame) {
    writer.write(frame);
  }

  @Override
  public void message(ChannelMessage message, TextFrame frame) {
    writer.write(frame);
  }

  @Override
  public boolean full() {
    return writer.full();
  }

  @Override
  public void onWritable(Runnable action) {
    writer.onWritable(action);
  }

  @Override
  public void disconnect(Disconnect reason, TextFrame notice) {
    writer.write(notice);
    close(reason.code(), reason.reason());
  }

  @Override
  public void pauseReading(boolean paused) {
    ctx.channel().config().setAutoRead(!paused);
  }

  @Override
  public String remote() {
    return String.valueOf(ctx.channel().remoteAddress());
  }
}
