package stream.terminal.lastmile.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.Position;
import stream.terminal.lastmile.grpc.v1.Message;
import stream.terminal.lastmile.grpc.v1.SubscribeRequest;
import stream.terminal.lastmile.identity.Identity;
import stream.terminal.lastmile.net.AddressBudget;
import stream.terminal.lastmile.protocol.Json;
import stream.terminal.lastmile.protocol.TextFrame;
import stream.terminal.lastmile.session.ClientSession;
import stream.terminal.lastmile.session.Services;
import stream.terminal.lastmile.session.Transport;

/**
 * One Subscribe call: the transport of a subscribe-only {@link ClientSession} with one channel, so a gRPC
 * subscriber has what a WebSocket one has: the permission and access checks, resume with {@code since} through
 * the backlog (paged under the outbound bound and the address's reply budget), the slow-consumer bound, drain.
 * The first message after a resume that could not recover everything after {@code since} carries {@code gap}.
 */
final class GrpcSubscription implements Transport {
  private final Vertx vertx;
  private final GrpcCall<SubscribeRequest, Message> call;
  private final ClientSession session;
  private Runnable onWritable = () -> {};
  /** The next message is the first after a resume that lost messages. */
  private boolean gap;
  /** When the response was first seen full, or 0 while it has room. */
  private long unwritableSinceMs;

  GrpcSubscription(Vertx vertx, GrpcCall<SubscribeRequest, Message> call, ListenerConfig listener, Services services) {
    this.vertx = vertx;
    this.call = call;
    call.response().setWriteQueueMaxSize(listener.limits().writeQueueBytes());
    call.response().drainHandler(v -> {
      unwritableSinceMs = 0;
      onWritable.run();
    });
    this.session = new ClientSession(vertx, this, listener, services, AddressBudget.of(call.request().connection()));
    call.onClose(session::closed);
  }

  ClientSession session() {
    return session;
  }

  /** Subscribes; the call ends with the refusal, or its headers go out and the catch-up starts. */
  void open(Identity identity, SubscribeRequest request) {
    session.signedOn(identity);
    Position since = null;
    if (request.hasSince()) {
      // uint64 on the wire: past Long.MAX_VALUE it reads negative here
      if (request.getSince().getOffset() < 0) {
        call.fail(new GatewayException(ErrorCode.BAD_REQUEST, "since.offset is out of range"));
        return;
      }
      since = new Position(request.getSince().getEpoch(), request.getSince().getOffset());
    }
    boolean resuming = since != null;
    session.subscribe(request.getChannel(), since).onComplete(ar -> {
      if (call.ended() || session.closing()) {
        return;
      }
      if (ar.failed()) {
        call.fail(ar.cause());
        return;
      }
      gap = resuming && !ar.result().result().getBoolean("recovered", true);
      call.response().writeHead();
      ar.result().catchUp().run();
    });
  }

  /** How long the response has stayed full (0 while it has room). */
  long unwritableMs(long nowMs) {
    return full() ? nowMs - unwritableSinceMs : 0;
  }

  @Override
  public void reply(TextFrame frame) {
    throw new UnsupportedOperationException("a Subscribe call carries no commands");
  }

  /** A failure the session reports on its own (a replay's read): the call ends with it. */
  @Override
  public void error(TextFrame frame) {
    JsonNode error = Json.parse(frame.toString()).path("error");
    GatewayException e = new GatewayException(GrpcErrors.code(error.path("code").asText()), error.path("message").asText());
    // on the loop's next turn: the session may be in the middle of a delivery
    vertx.runOnContext(v -> call.fail(e));
  }

  @Override
  public void message(ChannelMessage message, TextFrame frame) {
    call.response().write(GrpcMessages.message(message, gap));
    gap = false;
  }

  @Override
  public boolean full() {
    boolean full = !call.ended() && call.response().writeQueueFull();
    if (full && unwritableSinceMs == 0) {
      unwritableSinceMs = System.currentTimeMillis();
    }
    return full;
  }

  @Override
  public void onWritable(Runnable action) {
    this.onWritable = action;
  }

  /** Ends the call with the reason's status; the session is released on the loop's next turn, once it has unwound. */
  @Override
  public void disconnect(Disconnect reason, TextFrame notice) {
    vertx.runOnContext(v -> call.disconnect(reason));
  }

  /** A Subscribe reads nothing after its request. */
  @Override
  public void pauseReading(boolean paused) {}

  @Override
  public String remote() {
    return String.valueOf(call.request().connection().remoteAddress());
  }
}
