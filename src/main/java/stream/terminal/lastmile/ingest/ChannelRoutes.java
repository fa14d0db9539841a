package stream.terminal.lastmile.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import stream.terminal.lastmile.channel.ChannelInfo;
import stream.terminal.lastmile.core.IdempotencyKey;
import stream.terminal.lastmile.core.ChannelNames;
import stream.terminal.lastmile.channel.ChannelRegistry;
import stream.terminal.lastmile.channel.Publisher;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.config.Permission;
import stream.terminal.lastmile.listener.HttpReplies;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Signed;
import stream.terminal.lastmile.identity.Bearer;
import stream.terminal.lastmile.identity.Identity;
import stream.terminal.lastmile.identity.IdentityServices;
import stream.terminal.lastmile.protocol.Json;
import stream.terminal.lastmile.protocol.Replies;
import stream.terminal.lastmile.protocol.SignedFields;
import stream.terminal.lastmile.protocol.json.NativeCodec;

/**
 * The HTTP ingest API of a private listener: create, publish, list, read history. Replies and errors use the
 * same codes as the WebSocket protocol.
 */
public final class ChannelRoutes {
  /** The routing context's key for the request's identity, put there by {@link #authenticate}. */
  private static final String IDENTITY = "lastmile.identity";
  /** A signed publish's timestamp, key id and signature (docs/protocol.md): all three or none. */
  static final String TIMESTAMP_HEADER = "Last-Mile-Timestamp";
  static final String KEY_ID_HEADER = "Last-Mile-Key-Id";
  static final String SIGNATURE_HEADER = "Last-Mile-Signature";
  /** A Protobuf publish's type URL ({@code type.googleapis.com/pkg.Type}), as in {@code google.protobuf.Any}. */
  static final String TYPE_HEADER = "Last-Mile-Type";
  /** The IETF httpapi draft's name: a publish repeated with the same key is answered once (docs/protocol.md). */
  static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

  private final ListenerConfig listener;
  private final ChannelRegistry registry;
  private final Publisher publisher;

  private final IdentityServices identity;
  private final int maxPage;

  private ChannelRoutes(ListenerConfig listener, ChannelRegistry registry, Publisher publisher,
      IdentityServices identity, int maxPage) {
    this.maxPage = maxPage;
    this.listener = listener;
    this.registry = registry;
    this.publisher = publisher;
    this.identity = identity;
  }

  /** @param maxPage the most messages one history request returns */
  public static void mount(Router router, ListenerConfig listener, ChannelRegistry registry, Publisher publisher,
      IdentityServices identity, int maxPage) {
    ChannelRoutes routes = new ChannelRoutes(listener, registry, publisher, identity, maxPage);
    // every request to the API proves who sends it, or goes anonymous where the listener allows that (probes on
    // /health and /ready stay open)
    router.route("/channels*").handler(routes::authenticate);
    // before any body is read (a route of its own: vertx-web wants a BodyHandler first on its route)
    router.put("/channels/:channel").handler(JsonContentType::require);
    router.post("/channels/:channel/messages").handler(JsonContentType::requireForPublish);
    router.put("/channels/:channel").handler(routes::create);
    router
        .post("/channels/:channel/messages")
        // the body limit is the data limit: a larger body is refused while it streams in, with 413
        .handler(BodyHandler.create(false).setBodyLimit(listener.limits().maxDataBytes()))
        .handler(routes::publish);
    router.get("/channels").handler(routes::list);
    router.get("/channels/:channel/messages").handler(routes::history);
  }

  /** Puts the request's {@link Identity} on its context, or refuses it (401). */
  private void authenticate(RoutingContext ctx) {
    String authorization = ctx.request().getHeader("Authorization");
    if (authorization == null) {
      if (credentialRequired()) {
        HttpReplies.error(ctx, ErrorCode.UNAUTHENTICATED, "send a credential as Authorization: Bearer");
      } else {
        ctx.put(IDENTITY, Identity.ANONYMOUS);
        ctx.next();
      }
      return;
    }
    Bearer.authenticate(authorization, identity.authenticator(), listener).onComplete(ar -> {
      if (ar.failed()) {
        HttpReplies.failure(ctx, ar.cause());
        return;
      }
      ctx.put(IDENTITY, ar.result());
      ctx.next();
    });
  }

  /** Whether a request without a credential is refused: the listener requires one, or has legacy tokens. */
  private boolean credentialRequired() {
    return listener.requireIdentity() || !listener.authTokens().isEmpty();
  }

  private static Identity identity(RoutingContext ctx) {
    return ctx.get(IDENTITY);
  }

  private void create(RoutingContext ctx) {
    if (!granted(ctx, Permission.CREATE)) {
      return;
    }
    try {
      identity.access().requireCreate(identity(ctx), ChannelNames.require(ctx.pathParam("channel")));
    } catch (GatewayException e) {
      HttpReplies.error(ctx, e);
      return;
    }
    publisher
        .create(ctx.pathParam("channel"))
        .onSuccess(
            c -> {
              ctx.response().setStatusCode(201);
              ctx.json(Replies.created(c.name(), c.epoch()));
            })
        .onFailure(e -> HttpReplies.failure(ctx, e));
  }

  private void publish(RoutingContext ctx) {
    if (!granted(ctx, Permission.PUBLISH)) {
      return;
    }
    if (JsonContentType.isProtobuf(ctx.request().getHeader("Content-Type"))) {
      publishProtobuf(ctx);
      return;
    }
    // an empty body leaves no buffer at all (length -1, asString null), not an empty one
    JsonNode data = ctx.body().length() <= 0 ? null : Json.parse(ctx.body().asString());
    if (data == null) {
      HttpReplies.error(ctx, ErrorCode.BAD_REQUEST, "the body must be one JSON value (the message data)");
      return;
    }
    Signed signed;
    String key;
    try {
      key = IdempotencyKey.require(ctx.request().getHeader(IDEMPOTENCY_KEY_HEADER));
      signed = SignedFields.parse(ctx.request().getHeader(TIMESTAMP_HEADER), ctx.request().getHeader(KEY_ID_HEADER),
          ctx.request().getHeader(SIGNATURE_HEADER));
      admit(ctx, signed != null);
    } catch (GatewayException e) {
      HttpReplies.error(ctx, e);
      return;
    }
    publisher
        .publish(ctx.pathParam("channel"), Json.compact(data), signed, key)
        .onSuccess(p -> ctx.json(Replies.published(p)))
        .onFailure(e -> HttpReplies.failure(ctx, e));
  }

  /** The body is a serialized Protobuf message, its type in {@code Last-Mile-Type}; browsers get its JSON mapping. */
  private void publishProtobuf(RoutingContext ctx) {
    String type = ctx.request().getHeader(TYPE_HEADER);
    String key;
    try {
      key = IdempotencyKey.require(ctx.request().getHeader(IDEMPOTENCY_KEY_HEADER));
      if (type == null) {
        throw new GatewayException(ErrorCode.BAD_REQUEST,
            "a Protobuf message needs its type in " + TYPE_HEADER + " (type.googleapis.com/package.Type)");
      }
      if (ctx.request().headers().contains(TIMESTAMP_HEADER) || ctx.request().headers().contains(KEY_ID_HEADER)
          || ctx.request().headers().contains(SIGNATURE_HEADER)) {
        throw new GatewayException(ErrorCode.BAD_REQUEST, "signatures cover JSON messages only, not Protobuf ones");
      }
      admit(ctx, false);
    } catch (GatewayException e) {
      HttpReplies.error(ctx, e);
      return;
    }
    // an empty body is the empty message (every field at its default)
    byte[] value = ctx.body().length() <= 0 ? new byte[0] : ctx.body().buffer().getBytes();
    publisher
        .publish(ctx.pathParam("channel"), new ProtoPayload(type.trim(), value), key, Future.succeededFuture())
        .onSuccess(p -> ctx.json(Replies.published(p)))
        .onFailure(e -> HttpReplies.failure(ctx, e));
  }

  /** The identity may publish to the channel, and is within its rate. */
  private void admit(RoutingContext ctx, boolean signed) {
    String channel = ChannelNames.require(ctx.pathParam("channel"));
    Identity sender = identity(ctx);
    identity.access().requirePublish(sender, channel, signed);
    if (!identity.publishRates().tryPublish(sender)) {
      throw new GatewayException(ErrorCode.RATE_LIMITED,
          "key '" + sender.subject() + "' is over its publishes per second");
    }
  }

  private void list(RoutingContext ctx) {
    registry
        .list()
        .onSuccess(
            all -> {
              JsonArray channels = new JsonArray();
              all.forEach(info -> channels.add(position(info)));
              ctx.json(new JsonObject().put("channels", channels));
            })
        .onFailure(e -> HttpReplies.failure(ctx, e));
  }

  private void history(RoutingContext ctx) {
    try {
      String channel = ChannelNames.require(ctx.pathParam("channel"));
      long since = query(ctx, "since", 0, Long.MAX_VALUE - 1, 0);
      int limit = (int) query(ctx, "limit", 1, maxPage, maxPage);
      registry
          .read(channel, since + 1, limit)
          .onSuccess(page -> ctx.response()
              .putHeader("Content-Type", "application/json")
              .end(NativeCodec.INSTANCE.page(channel, page.limitBytes(listener.limits().writeQueueBytes()))))
          .onFailure(e -> HttpReplies.failure(ctx, e));
    } catch (GatewayException e) {
      HttpReplies.error(ctx, e);
    }
  }

  private static long query(RoutingContext ctx, String name, long min, long max, long fallback) {
    String value = ctx.queryParams().get(name);
    if (value == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new GatewayException(ErrorCode.BAD_REQUEST, "'" + name + "' must be an integer in [" + min + ", " + max + "]");
  }

  private static JsonObject position(ChannelInfo info) {
    return Replies.position(info.channel().name(), info.channel().epoch(), info.lastOffset());
  }

  private boolean granted(RoutingContext ctx, Permission permission) {
    try {
      listener.require(permission);
      return true;
    } catch (GatewayException e) {
      HttpReplies.error(ctx, e);
      return false;
    }
  }
}
