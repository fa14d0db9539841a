package stream.terminal.lastmile.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import stream.terminal.lastmile.config.Limits;
import stream.terminal.lastmile.config.Permission;
import stream.terminal.lastmile.core.BadFrameException;
import stream.terminal.lastmile.core.Published;
import stream.terminal.lastmile.core.ChannelNames;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.Utf8;
import stream.terminal.lastmile.identity.Identity;
import stream.terminal.lastmile.identity.IdentityServices;
import stream.terminal.lastmile.protocol.Command;
import stream.terminal.lastmile.protocol.Json;
import stream.terminal.lastmile.protocol.Replies;
import stream.terminal.lastmile.protocol.legacy.LegacyCodec;

/**
 * The commands of a transport that carries them (WebSocket): decodes each text message in the session's dialect,
 * admits it under the rate limit, runs it, and writes its reply or error.
 */
public final class CommandDispatcher {
  private final ClientSession session;
  private final Limits limits;
  private final Services services;
  private final HistoryReads history;
  private Future<?> publishTail = Future.succeededFuture();
  /** Commands waiting on the channel registry (a cluster round trip or more); see {@link #lookup}. */
  private int lookups;

  public CommandDispatcher(ClientSession session) {
    this.session = session;
    this.limits = session.limits();
    this.services = session.services();
    this.history = new HistoryReads(session);
  }

  /** A complete text message from the client. */
  public void onText(String text) {
    JsonNode node = Json.parse(text);
    Command command = null;
    BadFrameException bad = null;
    if (node == null) {
      bad = new BadFrameException(ErrorCode.BAD_REQUEST, "frame is not valid JSON", null);
    } else {
      try {
        command = session.codecFor(node).decode(node);
      } catch (BadFrameException e) {
        bad = e;
      }
    }
    // bad frames pay for their error reply like any command, so junk cannot bypass the rate limit
    if (!admit(bad != null ? bad.idJson() : command.idJson())) {
      return;
    }
    if (bad != null) {
      session.error(bad.idJson(), null, bad);
      return;
    }
    Command accepted = command;
    boolean lookup = lookup(accepted);
    if (lookup && lookups >= limits.maxSubscriptions()) {
      session.error(accepted.idJson(), accepted, new GatewayException(ErrorCode.RATE_LIMITED,
          "more than " + limits.maxSubscriptions() + " subscribe, history or create commands awaiting replies"));
      return;
    }
    session.commandStarted();
    lookups += lookup ? 1 : 0;
    execute(accepted).onComplete(ar -> {
      lookups -= lookup ? 1 : 0;
      if (ar.succeeded()) {
        session.reply(ar.result().frame());
        ar.result().then().run();
      } else {
        session.error(accepted.idJson(), accepted, GatewayException.of(ar.cause()));
      }
      session.commandFinished();
    });
  }

  /** A complete binary message: the protocol is JSON text, so it is refused (and pays for its refusal). */
  public void onBinary() {
    if (admit(null)) {
      session.error(null, null,
          new GatewayException(ErrorCode.BAD_REQUEST, "binary frames are not supported; send JSON text"));
    }
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
        || command instanceof Command.Create || command instanceof Command.Auth;
  }

  /** The rate limit: a refused command gets {@code rate_limited}; a client that keeps flooding is dropped. */
  private boolean admit(String idJson) {
    if (session.takeToken()) {
      return true;
    }
    if (!session.closing()) {
      session.error(idJson, null, new GatewayException(ErrorCode.RATE_LIMITED,
          "more than " + limits.commandsPerSecond() + " commands per second"));
    }
    return false;
  }

  /** A command's reply frame, and what to do once it is written (a subscription's catch-up). */
  private record Outcome(String frame, Runnable then) {}

  private Future<Outcome> execute(Command command) {
    try {
      if (!(command instanceof Command.Auth || command instanceof Command.Ping)) {
        session.requireSignedOn();
      }
      if (command instanceof Command.Subscribe s) {
        // legacy connections are live only, as in TSLM
        return session.subscriptions()
            .subscribe(s.channel(), session.codec() == LegacyCodec.INSTANCE ? null : s.since(), s.format())
            .map(done -> new Outcome(session.codec().result(s, done.result()), done.catchUp()));
      } else if (command instanceof Command.History h) {
        return history.read(h).map(reply -> new Outcome(reply, () -> {}));
      }
      Future<JsonObject> result;
      if (command instanceof Command.Unsubscribe u) {
        String channel = ChannelNames.require(u.channel());
        boolean was = session.subscriptions().unsubscribe(channel);
        result = Future.succeededFuture(new JsonObject().put("channel", channel).put("was_subscribed", was));
      } else if (command instanceof Command.Auth a) {
        result = session.authenticate(a.token()).map(Identity::describe);
      } else if (command instanceof Command.Create c) {
        session.require(Permission.CREATE);
        services.identity().access().requireCreate(session.identity(), ChannelNames.require(c.channel()));
        result = services.publisher().create(c.channel()).map(ch -> Replies.created(ch.name(), ch.epoch()));
      } else if (command instanceof Command.Publish p) {
        result = publish(p);
      } else {
        result = Future.succeededFuture(new JsonObject()); // ping
      }
      return result.map(r -> new Outcome(session.codec().result(command, r), () -> {}));
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<JsonObject> publish(Command.Publish p) {
    session.require(Permission.PUBLISH);
    ChannelNames.require(p.channel());
    if (Utf8.length(p.data()) > limits.maxDataBytes()) {
      throw new GatewayException(ErrorCode.TOO_LARGE, "data exceeds " + limits.maxDataBytes() + " bytes");
    }
    IdentityServices identity = services.identity();
    identity.access().requirePublish(session.identity(), p.channel(), p.signed() != null);
    if (!identity.publishRates().tryPublish(session.identity())) {
      throw new GatewayException(ErrorCode.RATE_LIMITED,
          "key '" + session.identity().subject() + "' is over its publishes per second");
    }
    // each publish goes on the bus after the connection's previous one: its messages keep the order it sent them
    Future<Published> published =
        services.publisher().publish(p.channel(), p.data(), p.signed(), p.idempotencyKey(), publishTail);
    publishTail = published;
    return published.map(Replies::published);
  }
}
