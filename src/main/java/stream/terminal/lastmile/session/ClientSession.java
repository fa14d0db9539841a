package stream.terminal.lastmile.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import stream.terminal.lastmile.config.Limits;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.config.Permission;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Dialect;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.PayloadFormat;
import stream.terminal.lastmile.core.Position;
import stream.terminal.lastmile.core.TokenBucket;
import stream.terminal.lastmile.identity.Identity;
import stream.terminal.lastmile.net.AddressBudget;
import stream.terminal.lastmile.protocol.Command;
import stream.terminal.lastmile.protocol.TextFrame;
import stream.terminal.lastmile.protocol.WireCodec;
import stream.terminal.lastmile.protocol.json.NativeCodec;
import stream.terminal.lastmile.protocol.legacy.LegacyCodec;

/**
 * One client, whatever transport carries it: its dialect, rate limit, subscriptions, outbound bound and
 * lifecycle. All its state lives on the connection's event loop. Every way it can end (client close, network
 * loss, server disconnect) ends in {@link #closed()}, called by the transport.
 */
public final class ClientSession {
  private static final System.Logger LOG = System.getLogger(ClientSession.class.getName());

  private final Vertx vertx;
  private final Transport transport;
  private final ListenerConfig listener;
  private final Limits limits;
  private final Services services;
  /** What this connection's address may cost per second, shared with its other connections. */
  private final AddressBudget budget;
  private final TokenBucket rateLimiter;
  private final Subscriptions subscriptions;
  /** Replays paused on a full outbound queue, resumed when it drains; null while there is none. */
  private List<Runnable> onWritable;
  private WireCodec codec;
  private int refusedInRow;
  private boolean closing;
  /** Commands whose reply is not written yet: a stopping node sends these replies before its notice. */
  private int inFlight;
  /** The node is stopping: nothing more is read, and the notice follows the last in-flight reply. */
  private boolean draining;
  /** Who the client has proven to be: anonymous until it signs on. */
  private Identity identity = Identity.ANONYMOUS;
  /** Ends the connection when its identity expires without a refresh; -1 when none is set. */
  private long expiryTimer = -1;

  public ClientSession(
      Vertx vertx, Transport transport, ListenerConfig listener, Services services, AddressBudget budget) {
    this.vertx = vertx;
    this.transport = transport;
    this.listener = listener;
    this.limits = listener.limits();
    this.services = services;
    this.budget = budget;
    this.rateLimiter =
        limits.rateLimited() ? new TokenBucket(limits.commandsPerSecond(), limits.burst(), System.nanoTime()) : null;
    this.subscriptions = new Subscriptions(this);
    transport.onWritable(this::writable);
    services.directory().opened(this, services.fanout().context());
  }

  public Dialect dialect() {
    return codec().dialect();
  }

  WireCodec codec() {
    return codec == null ? NativeCodec.INSTANCE : codec;
  }

  /**
   * The connection's dialect, fixed by its first frame that has the shape of one (an object with {@code op},
   * or TSLM's single-variant object); frames of no recognisable shape are answered natively without fixing it.
   */
  WireCodec codecFor(JsonNode node) {
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

  /**
   * Subscribes to a channel, resuming after {@code since} when it is given: see {@link Subscriptions}. Fails with
   * the refusal ({@code permission_denied}, {@code bad_request}, {@code channel_not_found}, ...) as a
   * {@link GatewayException}.
   */
  public Future<Subscribed> subscribe(String channel, Position since) {
    try {
      return subscriptions.subscribe(channel, since, PayloadFormat.JSON);
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
  }

  /** Unsubscribes from a channel (a valid name); whether the client was subscribed to it. */
  public boolean unsubscribe(String channel) {
    return subscriptions.unsubscribe(channel);
  }

  Subscriptions subscriptions() {
    return subscriptions;
  }

  public Identity identity() {
    return identity;
  }

  /**
   * On a listener that wants a credential from every client ({@code require_identity}, or legacy
   * {@code auth_tokens} where the transport could not ask for one in its handshake), nothing but signing on is
   * done for a client that has not.
   *
   * @throws GatewayException {@code unauthenticated} while the session is anonymous on such a listener
   */
  public void requireSignedOn() {
    if (identity.anonymous() && (listener.requireIdentity() || !listener.authTokens().isEmpty())) {
      throw new GatewayException(ErrorCode.UNAUTHENTICATED, "sign on first: this listener requires a credential");
    }
  }

  /** Adopts the identity the transport proved when the connection opened (a handshake's credential). */
  public void signedOn(Identity proven) {
    adopt(proven);
  }

  /**
   * Signs on with a credential, or refreshes the identity before it expires (docs/protocol.md, {@code auth}).
   * A session that has an identity of its own (a user or a key, not a listener token) only takes a new one of the
   * same kind and subject, and only if it still allows every channel the session is subscribed to; otherwise the
   * old one stays, and so does its expiry.
   */
  public Future<Identity> authenticate(String credential) {
    return services.identity().authenticator().authenticate(credential, listener).compose(next -> {
      if (closing) {
        return Future.failedFuture(new GatewayException(ErrorCode.CANCELLED, "connection closed"));
      }
      boolean replaceable = identity.anonymous() || identity.kind() == Identity.Kind.LISTENER_TOKEN;
      if (!replaceable && (identity.kind() != next.kind() || !Objects.equals(identity.subject(), next.subject()))) {
        return Future.failedFuture(
            new GatewayException(ErrorCode.INVALID_TOKEN, "a refresh must be for the same subject"));
      }
      for (String channel : subscriptions.channels()) {
        services.identity().access().requireSubscribe(next, channel);
      }
      adopt(next);
      return Future.succeededFuture(next);
    });
  }

  private void adopt(Identity next) {
    identity = next;
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
    if (next.expires()) {
      // the leeway that admitted a token whose issuer's clock runs behind ours also delays its end
      long delay = next.expiresAtMs() + services.identity().leewayMs() - System.currentTimeMillis();
      expiryTimer = vertx.setTimer(Math.max(1, delay), id -> {
        expiryTimer = -1;
        LOG.log(Level.DEBUG, "{0}: identity of {1} expired", transport.remote(), identity.subject());
        disconnect(Disconnect.TOKEN_EXPIRED);
      });
    }
  }

  /** Whether the session still handles what the client sends: not closing, and the node not stopping. */
  public boolean reading() {
    return !closing && !draining;
  }

  /** Whether the session is ending: its notice is sent or its connection gone; nothing more is written. */
  public boolean closing() {
    return closing;
  }

  /** Takes a rate-limit token for anything the client sends; past {@code burst} refusals in a row it is dropped. */
  public boolean takeToken() {
    if (closing) {
      return false;
    }
    if (rateLimiter == null || rateLimiter.tryAcquire(System.nanoTime())) {
      refusedInRow = 0;
      return true;
    }
    if (++refusedInRow > limits.burst()) {
      LOG.log(Level.INFO, "dropping {0}: kept sending past its rate limit", transport.remote());
      disconnect(Disconnect.FLOOD);
    }
    return false;
  }

  /** Whether a frame may be written now; a client whose outbound queue is full is dropped instead. */
  public boolean hasRoom() {
    if (closing) {
      return false;
    }
    if (transport.full()) {
      LOG.log(Level.INFO, "dropping slow consumer {0}", transport.remote());
      disconnect(Disconnect.SLOW_CONSUMER);
      return false;
    }
    return true;
  }

  /** The one write path of replies: a client whose outbound queue is full is dropped, never buffered without bound. */
  void reply(String frame) {
    if (hasRoom()) {
      transport.reply(TextFrame.of(frame));
    }
  }

  /** Writes a live or held message, under the same bound as replies. */
  boolean message(ChannelMessage message, TextFrame frame) {
    if (!hasRoom()) {
      return false;
    }
    transport.message(message, frame);
    return true;
  }

  /** Reports a refusal or failure to the client, as the reply to {@code command} when there is one. */
  public void error(String idJson, Command command, GatewayException error) {
    services.metrics().error(error.code());
    LOG.log(Level.DEBUG, "{0} to {1}: {2}", error.code().wire(), transport.remote(), error.getMessage());
    if (hasRoom()) {
      transport.error(TextFrame.of(codec().error(idJson, command, error)));
    }
  }

  /** Sends the disconnect notice, then the transport closes as the reason says. */
  public void disconnect(Disconnect reason) {
    if (closing) {
      return;
    }
    closing = true;
    services.metrics().disconnected(reason);
    transport.disconnect(reason, TextFrame.of(codec().disconnect(reason)));
  }

  /**
   * The node is stopping: stop reading, let commands in flight finish (a publish already stored gets its
   * acknowledgement, so its publisher does not send it again), then the notice. The server's grace period bounds
   * the wait.
   */
  public void drain() {
    if (closing || draining) {
      return;
    }
    draining = true;
    transport.pauseReading(true);
    if (inFlight == 0) {
      drained();
    }
  }

  /** The notice, then reading again: frames still queued are ignored, and the client's close frame is seen. */
  private void drained() {
    disconnect(Disconnect.SHUTDOWN);
    transport.pauseReading(false);
  }

  void commandStarted() {
    inFlight++;
  }

  void commandFinished() {
    inFlight--;
    if (draining && inFlight == 0) {
      drained();
    }
  }

  /** The outbound queue has room again: the paused replays go on (one may pause again and be added anew). */
  private void writable() {
    List<Runnable> paused = onWritable;
    onWritable = null;
    if (paused != null) {
      paused.forEach(Runnable::run);
    }
  }

  /** Runs {@code action} when the outbound queue has room again. */
  void whenWritable(Runnable action) {
    if (onWritable == null) {
      onWritable = new ArrayList<>(2);
    }
    onWritable.add(action);
  }

  boolean full() {
    return transport.full();
  }

  void require(Permission permission) {
    listener.require(permission);
  }

  /** The most bytes of one history page or replay read: the outbound bound, or less if the address's reply budget is low. */
  long replyBound() {
    return Math.min(limits.writeQueueBytes(), budget.replyAllowance());
  }

  /** The connection's transport was closed, however: releases every subscription. */
  public void closed() {
    closing = true;
    services.directory().ended(this);
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
    onWritable = null;
    subscriptions.dropAll();
  }

  Vertx vertx() {
    return vertx;
  }

  Transport transport() {
    return transport;
  }

  Limits limits() {
    return limits;
  }

  Services services() {
    return services;
  }

  AddressBudget budget() {
    return budget;
  }
}
