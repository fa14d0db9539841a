package stream.terminal.lastmile.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import stream.terminal.lastmile.core.BacklogPage;
import stream.terminal.lastmile.core.ChannelNames;
import stream.terminal.lastmile.config.Limits;
import stream.terminal.lastmile.config.Permission;
import stream.terminal.lastmile.net.AddressBudget;
import stream.terminal.lastmile.core.BadFrameException;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.protocol.Command;
import stream.terminal.lastmile.core.Dialect;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.protocol.Json;
import stream.terminal.lastmile.core.Position;
import stream.terminal.lastmile.protocol.TextFrame;
import stream.terminal.lastmile.core.Utf8;
import stream.terminal.lastmile.protocol.WireCodec;
import stream.terminal.lastmile.protocol.json.NativeCodec;
import stream.terminal.lastmile.protocol.legacy.LegacyCodec;

/**
 * One WebSocket client. All its state lives on its event loop; every way it can end (client close, network
 * loss, server disconnect) runs the same {@link #cleanup()}.
 */
final class Session {
  private static final System.Logger LOG = System.getLogger(Session.class.getName());

  private final ServerWebSocket ws;
  private final FrameWriter writer;
  private final Endpoint endpoint;
  private final Services services;
  private final Limits limits;
  private final RateLimiter rateLimiter;
  /** What this connection's address may cost per second, shared with its other connections. */
  private final AddressBudget budget;
  private final MessageAssembler assembler;
  private final Map<String, Subscription> subscriptions = new HashMap<>();
  /** Replays paused on a full outbound queue, resumed when it drains. */
  private final List<Runnable> onDrain = new ArrayList<>();
  private WireCodec codec;
  private Future<?> publishTail = Future.succeededFuture();
  private int refusedInRow;
  private long lastReadMs;
  private final int sweepSlice;
  private boolean closing;
  /** Commands whose reply is not written yet: a stopping node sends these replies before its notice. */
  private int inFlight;
  /** Of those, the ones waiting on the channel registry (a cluster round trip or more); see {@link #lookup}. */
  private int lookups;
  /** The node is stopping: nothing more is read, and the notice follows the last in-flight reply. */
  private boolean draining;

  /** @param sweepSlice the group of the endpoint's ping sweep this session is in */
  Session(ServerWebSocket ws, Endpoint endpoint, Services services, int sweepSlice) {
    this.sweepSlice = sweepSlice;
    this.ws = ws;
    this.writer = FrameWriter.install(ws, endpoint.flusher());
    this.endpoint = endpoint;
    this.services = services;
    this.limits = endpoint.config().limits();
    this.rateLimiter =
        limits.rateLimited() ? new RateLimiter(limits.commandsPerSecond(), limits.burst(), System.nanoTime()) : null;
    this.lastReadMs = System.currentTimeMillis();
    this.assembler = new MessageAssembler(limits.maxFrameBytes());
    this.budget = AddressBudget.of(writer.pipeline().channel());
  }

  void start() {
    // sets the channel's high-water mark, which is what FrameWriter.full() reads
    ws.setWriteQueueMaxSize(limits.writeQueueBytes());
    FrameSizeGuard.install(writer.pipeline(), limits.maxFrameBytes(), this::tooLarge);
    ControlFrames.install(writer.pipeline(), this::onPing, this::onPong);
    ws.frameHandler(this::onFrame);
    ws.exceptionHandler(e -> LOG.log(Level.DEBUG, "connection error from {0}: {1}", ws.remoteAddress(), e.toString()));
    ws.shutdownHandler(v -> drain());
    ws.closeHandler(v -> cleanup());
    writer.onWritable(() -> {
      List<Runnable> paused = new ArrayList<>(onDrain);
      onDrain.clear();
      paused.forEach(Runnable::run);
    });
  }

  Dialect dialect() {
    return codec == null ? Dialect.NATIVE : codec.dialect();
  }

  /** A live message for one of this connection's subscriptions; see {@link Subscription#deliver}. */
  boolean deliver(Subscription subscription, ChannelMessage message, TextFrame frame) {
    if (closing) {
      return false;
    }
    if (subscription.catchingUp()) {
      if (!subscription.hold(message, frame)) {
        disconnect(Disconnect.SLOW_CONSUMER);
      }
      return false;
    }
    return subscription.take(message) && send(frame);
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
    if (!closing) {
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
    if (takeToken() && hasRoom()) {
      writer.writePong(payload);
    }
  }

  /** Our own pings' answers cost the client one token per ping interval; unsolicited pong floods are dropped. */
  private void onPong() {
    touch();
    takeToken();
  }

  /** A message over max_frame_bytes: whether one frame or fragments, the client gets the notice and 1009. */
  private void tooLarge() {
    touch();
    if (!closing) {
      LOG.log(Level.DEBUG, "closing {0}: message over {1} bytes", ws.remoteAddress(), limits.maxFrameBytes());
      disconnect(Disconnect.MESSAGE_TOO_BIG);
    }
  }

  /** Every frame counts as activity; complete messages are handled, oversized ones close with 1009. */
  private void onFrame(WebSocketFrame frame) {
    touch();
    if (closing || draining) {
      return;
    }
    switch (assembler.accept(frame)) {
      case TEXT -> onText(assembler.message().toString(StandardCharsets.UTF_8));
      case BINARY -> {
        if (admit(null)) {
          reply(null, null, new GatewayException(ErrorCode.BAD_REQUEST, "binary frames are not supported; send JSON text"));
        }
      }
      case TOO_LARGE -> tooLarge();
      case INCOMPLETE -> {
        // wait for the rest
      }
    }
  }

  private void onText(String text) {
    JsonNode node = Json.parse(text);
    Command command = null;
    BadFrameException bad = null;
    if (node == null) {
      bad = new BadFrameException(ErrorCode.BAD_REQUEST, "frame is not valid JSON", null);
    } else {
      try {
        command = codecFor(node).decode(node);
      } catch (BadFrameException e) {
        bad = e;
      }
    }
    // bad frames pay for their error reply like any command, so junk cannot bypass the rate limit
    if (!admit(bad != null ? bad.idJson() : command.idJson())) {
      return;
    }
    if (bad != null) {
      reply(bad.idJson(), null, bad);
      return;
    }
    Command accepted = command;
    boolean lookup = lookup(accepted);
    if (lookup && lookups >= limits.maxSubscriptions()) {
      reply(accepted.idJson(), accepted, new GatewayException(ErrorCode.RATE_LIMITED,
          "more than " + limits.maxSubscriptions() + " subscribe, history or create commands awaiting replies"));
      return;
    }
    inFlight++;
    lookups += lookup ? 1 : 0;
    execute(accepted).onComplete(ar -> {
      inFlight--;
      lookups -= lookup ? 1 : 0;
      if (ar.succeeded()) {
        send(ar.result().frame());
        ar.result().then().run();
      } else {
        reply(accepted.idJson(), accepted, GatewayException.of(ar.cause()));
      }
      if (draining && inFlight == 0) {
        drained();
      }
    });
  }

  /**
   * Commands that wait on the registry, which in a cluster is a Hazelcast round trip or more. The rate limit
   * bounds how many a client starts per second, not how many wait while the cluster is slow: at most
   * {@code max_subscriptions} of them wait at once per connection (an honest client can resubscribe everything
   * at once), so a crowd of clients cannot pile up requests without bound in a slow or migrating cluster.
   * Publishes are not counted: publishers (trusted ingest clients) pipeline them by design.
   */
  private static boolean lookup(Command command) {
    return command instanceof Command.Subscribe || command instanceof Command.History
        || command instanceof Command.Create;
  }

  /**
   * The node is stopping: stop reading, let commands in flight finish (a publish already stored gets its
   * acknowledgement, so its publisher does not send it again), then the notice. The server's grace period bounds
   * the wait.
   */
  private void drain() {
    if (closing || draining) {
      return;
    }
    draining = true;
    ws.pause();
    if (inFlight == 0) {
      drained();
    }
  }

  /** The notice, then reading again: frames still queued are ignored, and the client's close frame is seen. */
  private void drained() {
    disconnect(Disconnect.SHUTDOWN);
    ws.resume();
  }

  /**
   * The connection's dialect, fixed by its first frame that has the shape of one (an object with {@code op},
   * or TSLM's single-variant object); frames of no recognisable shape are answered natively without fixing it.
   */
  private WireCodec codecFor(JsonNode node) {
    if (codec == null) {
      if (LegacyCodec.recognises(node)) {
        codec = LegacyCodec.INSTANCE;
      } else if (NativeCodec.recognises(node)) {
        codec = NativeCodec.INSTANCE;
      } else {
        return NativeCodec.INSTANCE;
      }
    }
    return codec;
  }

  /** The rate limit: a refused command gets {@code rate_limited}; a client that keeps flooding is dropped. */
  private boolean admit(String idJson) {
    if (takeToken()) {
      return true;
    }
    if (!closing) {
      reply(idJson, null, new GatewayException(ErrorCode.RATE_LIMITED,
          "more than " + limits.commandsPerSecond() + " commands per second"));
    }
    return false;
  }

  /** Takes a token for any frame; past {@code burst} refusals in a row the client is dropped as a flood. */
  private boolean takeToken() {
    if (closing) {
      return false;
    }
    if (rateLimiter == null || rateLimiter.tryAcquire(System.nanoTime())) {
      refusedInRow = 0;
      return true;
    }
    if (++refusedInRow > limits.burst()) {
      LOG.log(Level.INFO, "dropping {0}: kept sending past its rate limit", ws.remoteAddress());
      disconnect(Disconnect.FLOOD);
    }
    return false;
  }

  /** A command's reply frame, and what to do once it is written (a subscription's catch-up). */
  private record Outcome(String frame, Runnable then) {}

  private Future<Outcome> execute(Command command) {
    try {
      if (command instanceof Command.Subscribe s) {
        return subscribe(s);
      } else if (command instanceof Command.History h) {
        return history(h);
      }
      Future<JsonObject> result;
      if (command instanceof Command.Unsubscribe u) {
        result = unsubscribe(u);
      } else if (command instanceof Command.Create c) {
        result = create(c);
      } else if (command instanceof Command.Publish p) {
        result = publish(p);
      } else {
        result = Future.succeededFuture(new JsonObject()); // ping
      }
      return result.map(r -> new Outcome(codec().result(command, r), () -> {}));
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
  }

  private WireCodec codec() {
    return codec == null ? NativeCodec.INSTANCE : codec;
  }

  /**
   * Subscribes: live messages are held from the moment the node receives the channel for this connection, the
   * position (or the resume point and the backlog after it) is read, the reply is written, then the replay, then
   * the held messages the replay did not cover. Legacy connections are live only, as in TSLM.
   */
  private Future<Outcome> subscribe(Command.Subscribe s) {
    require(Permission.SUBSCRIBE);
    String channel = ChannelNames.require(s.channel());
    Position since = codec() == LegacyCodec.INSTANCE ? null : s.since();
    if (subscriptions.containsKey(channel)) {
      // already subscribed: the reply gives the position; nothing is replayed twice
      return services.registry().get(channel).map(info -> new Outcome(codec().result(s, new JsonObject()
          .put("channel", channel).put("epoch", info.channel().epoch()).put("offset", info.lastOffset())), () -> {}));
    }
    if (subscriptions.size() >= limits.maxSubscriptions()) {
      throw new GatewayException(
          ErrorCode.LIMIT_EXCEEDED, "at most " + limits.maxSubscriptions() + " subscriptions per connection");
    }
    Subscription subscription = new Subscription(this, limits.writeQueueBytes());
    subscriptions.put(channel, subscription);
    services.metrics().subscriptionsChanged(1);
    return services.registry()
        .get(channel)
        .compose(info -> attach(channel, subscription))
        .compose(v -> services.registry().read(channel, since == null ? Long.MAX_VALUE : since.offset() + 1,
            services.historyMaxPage()))
        .map(page -> start(s, subscription, since, page))
        .onFailure(e -> dropSubscription(channel, subscription));
  }

  /**
   * Hands a subscription to the fan-out once its channel is known, unless the connection dropped it while the
   * lookup was in flight (an unsubscribe, a close): attached then, it would stay in the fan-out for good and
   * the node would keep consuming the channel for nobody.
   */
  private Future<Void> attach(String channel, Subscription subscription) {
    if (subscriptions.get(channel) != subscription) {
      return Future.failedFuture(new GatewayException(ErrorCode.CANCELLED,
          closing ? "connection closed" : "unsubscribed before the subscription completed"));
    }
    return services.fanout().add(channel, subscription);
  }

  /** The subscribe reply, and the catch-up to run once it is written. */
  private Outcome start(Command.Subscribe s, Subscription subscription, Position since, BacklogPage page) {
    JsonObject result = new JsonObject()
        .put("channel", s.channel())
        .put("epoch", page.epoch())
        .put("offset", page.lastOffset());
    if (since == null) {
      subscription.position(page.epoch(), page.lastOffset());
      return new Outcome(codec().result(s, result), () -> finishCatchUp(s.channel(), subscription));
    }
    boolean sameEpoch = since.epoch().equals(page.epoch()) && since.offset() <= page.lastOffset();
    boolean recovered = sameEpoch && page.firstAvailable() <= since.offset() + 1;
    result.put("recovered", recovered).put("first_available", page.firstAvailable());
    // a resume from another epoch replays nothing: that history is gone, the client starts at the present
    subscription.position(page.epoch(), sameEpoch ? since.offset() : page.lastOffset());
    return new Outcome(codec().result(s, result),
        () -> {
          if (sameEpoch) {
            replay(s.channel(), subscription, page);
          } else {
            finishCatchUp(s.channel(), subscription);
          }
        });
  }

  /**
   * Replays one page read from the backlog, cut to the connection's outbound bound: a paused replay holds at
   * most that much, however large the channel's messages. Reads on while the page was full or cut.
   */
  private void replay(String channel, Subscription subscription, BacklogPage read) {
    List<ChannelMessage> page = read.limitBytes(replyBound()).messages();
    int readCount = read.messages().size();
    replay(channel, subscription, page.iterator(), page.size() < readCount || readCount == services.historyMaxPage());
  }

  /** Writes replayed messages as fast as the client reads them, page after page, then ends the catch-up. */
  private void replay(String channel, Subscription subscription, Iterator<ChannelMessage> page, boolean more) {
    while (page.hasNext()) {
      if (closing || subscriptions.get(channel) != subscription) {
        return; // closed or unsubscribed meanwhile
      }
      if (writer.full()) {
        onDrain.add(() -> replay(channel, subscription, page, more));
        return;
      }
      long debt = budget.replyDebtNanos();
      if (debt > 0) {
        // the address has had its share of replies for now: the rest when it has paid
        endpoint.vertx().setTimer(Math.max(1, debt / 1_000_000), id -> replay(channel, subscription, page, more));
        return;
      }
      ChannelMessage message = page.next();
      if (subscription.take(message)) {
        TextFrame frame = TextFrame.of(codec().message(message));
        budget.chargeReply(frame.length());
        writer.write(frame);
      }
    }
    if (!more) {
      finishCatchUp(channel, subscription);
      return;
    }
    services.registry().read(channel, subscription.lastOffset() + 1, services.historyMaxPage()).onComplete(ar -> {
      if (ar.failed()) {
        finishCatchUp(channel, subscription);
        return;
      }
      replay(channel, subscription, ar.result());
    });
  }

  private void finishCatchUp(String channel, Subscription subscription) {
    if (closing || subscriptions.get(channel) != subscription) {
      return;
    }
    for (TextFrame frame : subscription.release()) {
      send(frame);
    }
  }

  private Future<JsonObject> unsubscribe(Command.Unsubscribe u) {
    String channel = ChannelNames.require(u.channel());
    boolean was = dropSubscription(channel);
    return Future.succeededFuture(new JsonObject().put("channel", channel).put("was_subscribed", was));
  }

  private boolean dropSubscription(String channel) {
    Subscription subscription = subscriptions.get(channel);
    return subscription != null && dropSubscription(channel, subscription);
  }

  /** Drops this very subscription, never a newer one to the same channel that replaced it meanwhile. */
  private boolean dropSubscription(String channel, Subscription subscription) {
    if (!subscriptions.remove(channel, subscription)) {
      return false;
    }
    subscription.drop();
    services.fanout().remove(channel, subscription);
    services.metrics().subscriptionsChanged(-1);
    return true;
  }

  private Future<JsonObject> create(Command.Create c) {
    require(Permission.CREATE);
    return services.publisher()
        .create(c.channel())
        .map(ch -> new JsonObject().put("channel", ch.name()).put("epoch", ch.epoch()));
  }

  private Future<JsonObject> publish(Command.Publish p) {
    require(Permission.PUBLISH);
    ChannelNames.require(p.channel());
    if (Utf8.length(p.data()) > limits.maxDataBytes()) {
      throw new GatewayException(ErrorCode.TOO_LARGE, "data exceeds " + limits.maxDataBytes() + " bytes");
    }
    // each publish goes on the bus after the connection's previous one: its messages keep the order it sent them
    Future<ChannelMessage> published = services.publisher().publish(p.channel(), p.data(), publishTail);
    publishTail = published;
    return published.map(Session::published);
  }

  static JsonObject published(ChannelMessage m) {
    return new JsonObject().put("channel", m.channel()).put("epoch", m.epoch()).put("offset", m.offset());
  }

  private Future<Outcome> history(Command.History h) {
    require(Permission.SUBSCRIBE);
    String channel = ChannelNames.require(h.channel());
    int max = services.historyMaxPage();
    int limit = h.limit() == null ? max : Math.min(h.limit(), max);
    Future<BacklogPage> page = services.registry().read(channel, h.since() == null ? 0 : h.since().offset() + 1, limit);
    if (h.since() != null) {
      // offsets of another epoch mean nothing in this one: the whole stored history is what the client lacks
      page = page.compose(p -> p.epoch().equals(h.since().epoch()) ? Future.succeededFuture(p)
          : services.registry().read(channel, 0, limit));
    }
    return page.map(p -> {
      String reply = codec().history(h, p.limitBytes(replyBound()));
      budget.chargeReply(reply.length());
      return new Outcome(reply, () -> {});
    });
  }

  /** The most bytes of one history page or replay read: the outbound bound, or less if the address's reply budget is low. */
  private long replyBound() {
    return Math.min(limits.writeQueueBytes(), budget.replyAllowance());
  }

  private void require(Permission permission) {
    if (!endpoint.config().grants(permission)) {
      throw new GatewayException(
          ErrorCode.PERMISSION_DENIED,
          "listener '" + endpoint.config().name() + "' does not grant " + permission.wire());
    }
  }

  private void reply(String idJson, Command command, GatewayException error) {
    services.metrics().error(error.code());
    LOG.log(Level.DEBUG, "{0} to {1}: {2}", error.code().wire(), ws.remoteAddress(), error.getMessage());
    send(codec().error(idJson, command, error));
  }

  private boolean send(String frame) {
    return send(TextFrame.of(frame));
  }

  /** The one write path: a client whose outbound queue is full is dropped, never buffered without bound. */
  private boolean send(TextFrame frame) {
    if (!hasRoom()) {
      return false;
    }
    writer.write(frame);
    return true;
  }

  /** Whether a frame may be written now; a client whose outbound queue is full is dropped instead. */
  private boolean hasRoom() {
    if (closing) {
      return false;
    }
    if (writer.full()) {
      LOG.log(Level.INFO, "dropping slow consumer {0}", ws.remoteAddress());
      disconnect(Disconnect.SLOW_CONSUMER);
      return false;
    }
    return true;
  }

  /** Sends the disconnect notice, then closes with the notice's code. */
  void disconnect(Disconnect reason) {
    if (closing) {
      return;
    }
    closing = true;
    services.metrics().disconnected(reason);
    writer.write(TextFrame.of(codec().disconnect(reason)));
    ws.close(reason.code(), reason.reason());
  }

  private void cleanup() {
    closing = true;
    onDrain.clear();
    subscriptions.forEach((channel, subscription) -> {
      subscription.drop();
      services.fanout().remove(channel, subscription);
    });
    services.metrics().subscriptionsChanged(-subscriptions.size());
    subscriptions.clear();
    endpoint.closed(this);
  }
}
