package stream.terminal.lastmile.sse;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.Position;
import stream.terminal.lastmile.listener.HttpReplies;
import stream.terminal.lastmile.net.AddressBudget;
import stream.terminal.lastmile.protocol.TextFrame;
import stream.terminal.lastmile.session.ClientSession;
import stream.terminal.lastmile.session.Services;
import stream.terminal.lastmile.session.Subscribed;
import stream.terminal.lastmile.session.Transport;

/**
 * One Server-Sent Events stream: the transport of a subscribe-only {@link ClientSession}. Its channels are
 * subscribed before the response starts, so a refusal is an HTTP status with the JSON error body; then come
 * {@code retry}, one {@code subscribed} event per channel, and the messages, each with the position of every
 * channel of the stream as its id.
 */
final class SseConnection implements Transport {
  /** How long a browser's EventSource waits before reconnecting once a stream ends. */
  static final long RETRY_MS = 2000;

  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final SseEndpoint endpoint;
  private final Services services;
  private final ClientSession session;
  private final int sweepSlice;
  /** Where the client stands in each channel, in the order of its request: the id of the next event. */
  private final Map<String, Position> positions = new LinkedHashMap<>();
  private Runnable onWritable = () -> {};
  private boolean streaming;
  /** The stream's id in the node's session directory, or null when it has none (anonymous). */
  private String streamId;
  private boolean ended;
  /** When the waiting bytes were first seen past the bound, or 0 while they are under it. */
  private long unwritableSinceMs;

  SseConnection(HttpServerRequest request, SseEndpoint endpoint, Services services, int sweepSlice) {
    this.request = request;
    this.response = request.response();
    this.endpoint = endpoint;
    this.services = services;
    this.sweepSlice = sweepSlice;
    this.session = new ClientSession(endpoint.vertx(), this, endpoint.config(), services,
        AddressBudget.of(request.connection()));
    // sets the connection's high-water mark, which writeQueueFull() reads
    response.setWriteQueueMaxSize(endpoint.config().limits().writeQueueBytes());
    response.drainHandler(v -> {
      unwritableSinceMs = 0;
      onWritable.run();
    });
    response.closeHandler(v -> closed());
  }

  /** Subscribes every channel at once; the stream starts when all are subscribed, or the request is refused. */
  void open(SseRequest wanted, RoutingContext ctx) {
    List<Future<Subscribed>> subscribes = new ArrayList<>();
    wanted.channels().forEach((channel, since) -> subscribes.add(session.subscribe(channel, since)));
    Future.all(subscribes).onComplete(ar -> {
      if (session.closing()) {
        return; // gone meanwhile, or already told why (a shutdown)
      }
      if (ar.failed()) {
        GatewayException refusal = GatewayException.of(ar.cause());
        endpoint.refused(refusal);
        closed();
        HttpReplies.error(ctx, refusal);
        return;
      }
      List<Subscribed> done = subscribes.stream().map(Future::result).toList();
      done.forEach(s -> positions.put(s.channel(), s.position()));
      startStream();
      if (!session.identity().anonymous()) {
        // the id a token refresh (POST /sse/auth) names this stream by
        streamId = services.directory().add(session);
        write(SseEvents.event("session", null,
            session.identity().describe().put("stream", streamId).encode()));
      }
      String token = PositionToken.format(positions);
      done.forEach(s -> write(SseEvents.event("subscribed", token, s.result().encode())));
      done.forEach(s -> s.catchUp().run());
    });
  }

  private void startStream() {
    if (streaming) {
      return;
    }
    streaming = true;
    response.setStatusCode(200)
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        // nginx buffers responses by default, which would hold events back
        .putHeader("X-Accel-Buffering", "no");
    write(SseEvents.retry(RETRY_MS));
  }

  ClientSession session() {
    return session;
  }

  int sweepSlice() {
    return sweepSlice;
  }

  /** How long the outbound queue has stayed past write_queue_bytes (0 when it is under). */
  long unwritableMs(long nowMs) {
    if (!full()) {
      return 0;
    }
    return nowMs - unwritableSinceMs;
  }

  /** The heartbeat: a comment line, unless the queue is full (then bytes are waiting anyway). */
  void ping() {
    if (streaming && !ended && !response.writeQueueFull()) {
      write(SseEvents.ping());
    }
  }

  private void write(Buffer event) {
    response.write(event);
  }

  @Override
  public void reply(TextFrame frame) {
    throw new UnsupportedOperationException("an SSE stream carries no client commands");
  }

  @Override
  public void error(TextFrame frame) {
    startStream();
    write(SseEvents.event("error", null, frame.toString()));
  }

  @Override
  public void message(ChannelMessage message, TextFrame frame) {
    positions.put(message.channel(), new Position(message.epoch(), message.offset()));
    write(SseEvents.message(PositionToken.format(positions), frame));
  }

  @Override
  public boolean full() {
    boolean full = !ended && response.writeQueueFull();
    if (full && unwritableSinceMs == 0) {
      unwritableSinceMs = System.currentTimeMillis();
    }
    return full;
  }

  @Override
  public void onWritable(Runnable action) {
    this.onWritable = action;
  }

  /** The notice as a {@code disconnect} event, then the end of the stream and of its connection. */
  @Override
  public void disconnect(Disconnect reason, TextFrame notice) {
    if (ended) {
      return;
    }
    startStream();
    write(SseEvents.event("disconnect", null, notice.toString()));
    ended = true;
    response.end().onComplete(ar -> request.connection().close());
    // an ended response reports no close: the subscriptions are released on the loop's next turn, once the
    // delivery or replay that called this has unwound
    endpoint.vertx().runOnContext(v -> closed());
  }

  /** An SSE client sends nothing after its request: there is nothing to stop reading. */
  @Override
  public void pauseReading(boolean paused) {}

  @Override
  public String remote() {
    return String.valueOf(request.remoteAddress());
  }

  /** The connection is gone, or the request was refused: every subscription is released, once. */
  private void closed() {
    ended = true;
    if (streamId != null) {
      services.directory().remove(streamId);
    }
    session.closed();
    endpoint.closed(this);
  }
}
