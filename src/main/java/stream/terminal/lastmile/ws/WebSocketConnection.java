package stream.terminal.lastmile.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import stream.terminal.lastmile.config.Limits;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.net.AddressBudget;
import stream.terminal.lastmile.protocol.TextFrame;
import stream.terminal.lastmile.session.ClientSession;
import stream.terminal.lastmile.session.CommandDispatcher;
import stream.terminal.lastmile.session.Services;
import stream.terminal.lastmile.session.Transport;

/**
 * One WebSocket client: the transport of its {@link ClientSession}. It owns what is WebSocket-specific: frames
 * written below Vert.x's encoder, messages assembled from fragments under the size limit, ping and pong
 * accounting, the idle clock the endpoint's sweep reads, and the close handshake.
 */
final class WebSocketConnection implements Transport {
  private static final System.Logger LOG = System.getLogger(WebSocketConnection.class.getName());

  private final ServerWebSocket ws;
  private final FrameWriter writer;
  private final Endpoint endpoint;
  private final Limits limits;
  private final MessageAssembler assembler;
  private final ClientSession session;
  private final CommandDispatcher commands;
  private final int sweepSlice;
  private long lastReadMs;

  /**
   * @param pipeline the pipeline of the upgraded connection
   * @param sweepSlice the group of the endpoint's ping sweep this connection is in
   */
  WebSocketConnection(
      ServerWebSocket ws, ChannelPipeline pipeline, Endpoint endpoint, Services services, int sweepSlice) {
    this.ws = ws;
    this.endpoint = endpoint;
    this.sweepSlice = sweepSlice;
    this.writer = FrameWriter.install(pipeline, endpoint.flusher());
    this.limits = endpoint.config().limits();
    this.assembler = new MessageAssembler(limits.maxFrameBytes());
    this.lastReadMs = System.currentTimeMillis();
    this.session = new ClientSession(endpoint.vertx(), this, endpoint.config(), services,
        AddressBudget.of(writer.pipeline().channel()));
    this.commands = new CommandDispatcher(session);
  }

  void start() {
    // sets the channel's high-water mark, which is what FrameWriter.full() reads
    ws.setWriteQueueMaxSize(limits.writeQueueBytes());
    FrameSizeGuard.install(writer.pipeline(), limits.maxFrameBytes(), this::tooLarge);
    ControlFrames.install(writer.pipeline(), this::onPing, this::onPong);
    ws.frameHandler(this::onFrame);
    ws.exceptionHandler(e -> LOG.log(Level.DEBUG, "connection error from {0}: {1}", ws.remoteAddress(), e.toString()));
    ws.shutdownHandler(v -> session.drain());
    ws.closeHandler(v -> {
      session.closed();
      endpoint.closed(this);
    });
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
      ws.writePing(Buffer.buffer());
    }
  }

  private void touch() {
    lastReadMs = System.currentTimeMillis();
  }

  /**
   * A client's ping is answered like a command: it takes a token (a refused one is not answered and counts
   * toward the flood disconnect), and its pong meets the outbound bound, so pings cannot queue what the client
   * does not read.
   */
  private void onPing(ByteBuf payload) {
    touch();
    if (session.takeToken() && session.hasRoom()) {
      writer.writePong(payload);
    }
  }

  /** Our own pings' answers cost the client one token per ping interval; unsolicited pong floods are dropped. */
  private void onPong() {
    touch();
    session.takeToken();
  }

  /** A message over max_frame_bytes: whether one frame or fragments, the client gets the notice and 1009. */
  private void tooLarge() {
    touch();
    if (!session.closing()) {
      LOG.log(Level.DEBUG, "closing {0}: message over {1} bytes", ws.remoteAddress(), limits.maxFrameBytes());
      session.disconnect(Disconnect.MESSAGE_TOO_BIG);
    }
  }

  /** Every frame counts as activity; complete messages are handled, oversized ones close with 1009. */
  private void onFrame(WebSocketFrame frame) {
    touch();
    if (!session.reading()) {
      return;
    }
    switch (assembler.accept(frame)) {
      case TEXT -> commands.onText(assembler.message().toString(StandardCharsets.UTF_8));
      case BINARY -> commands.onBinary();
      case TOO_LARGE -> tooLarge();
      case INCOMPLETE -> {
        // wait for the rest
      }
    }
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
    ws.close(reason.code(), reason.reason());
  }

  @Override
  public void pauseReading(boolean paused) {
    if (paused) {
      ws.pause();
    } else {
      ws.resume();
    }
  }

  @Override
  public String remote() {
    return String.valueOf(ws.remoteAddress());
  }
}
