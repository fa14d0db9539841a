package stream.terminal.lastmile.grpc;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Parser;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.config.Permission;
import stream.terminal.lastmile.core.ChannelNames;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.grpc.v1.ChannelPosition;
import stream.terminal.lastmile.grpc.v1.CreateChannelRequest;
import stream.terminal.lastmile.grpc.v1.HistoryPage;
import stream.terminal.lastmile.grpc.v1.HistoryRequest;
import stream.terminal.lastmile.grpc.v1.IngestGrpcService;
import stream.terminal.lastmile.grpc.v1.Message;
import stream.terminal.lastmile.grpc.v1.PublishAck;
import stream.terminal.lastmile.grpc.v1.PublishRequest;
import stream.terminal.lastmile.grpc.v1.SubscribeRequest;
import stream.terminal.lastmile.identity.Bearer;
import stream.terminal.lastmile.identity.Identity;
import stream.terminal.lastmile.session.Services;

/**
 * The service {@code lastmile.v1.Ingest} of one listener on one event loop. It binds the generated
 * {@link IngestGrpcService} methods to handlers of the whole call rather than extending its per-message methods,
 * which see neither the request's metadata (the credential) nor the response's trailers (the error code).
 * Every call proves who sends it first, with the HTTP ingest API's rules, then runs that API's checks.
 */
final class GrpcIngestService implements Service {
  private final Vertx vertx;
  private final ListenerConfig listener;
  private final Services services;
  private final GrpcEndpoint endpoint;
  private final GrpcPublishes publishes;
  private final long maxMessageBytes;

  GrpcIngestService(Vertx vertx, ListenerConfig listener, Services services, GrpcEndpoint endpoint,
      long maxMessageBytes) {
    this.vertx = vertx;
    this.listener = listener;
    this.services = services;
    this.endpoint = endpoint;
    this.publishes = new GrpcPublishes(listener, services.identity(), services.publisher());
    this.maxMessageBytes = maxMessageBytes;
  }

  @Override
  public ServiceName name() {
    return IngestGrpcService.SERVICE_NAME;
  }

  @Override
  public Descriptors.ServiceDescriptor descriptor() {
    return IngestGrpcService.SERVICE_DESCRIPTOR;
  }

  @Override
  public void bind(GrpcServer server) {
    server.callHandler(IngestGrpcService.CreateChannel, r -> signedOn(r, CreateChannelRequest.parser(),
        (call, who) -> unary(call, request -> create(who, request))));
    server.callHandler(IngestGrpcService.Publish, r -> signedOn(r, PublishRequest.parser(),
        (call, who) -> unary(call, request -> publishes.publish(who, request, Future.succeededFuture())
            .map(m -> GrpcMessages.stored(request.getSequence(), m)))));
    server.callHandler(IngestGrpcService.PublishStream, r -> signedOn(r, PublishRequest.parser(), this::publishStream));
    server.callHandler(IngestGrpcService.Subscribe, r -> signedOn(r, SubscribeRequest.parser(), this::subscribe));
    server.callHandler(IngestGrpcService.History, r -> signedOn(r, HistoryRequest.parser(),
        (call, who) -> unary(call, this::history)));
  }

  /** Takes the connection's rate token, then the credential; {@code then} runs once both pass. */
  private <Req, Resp> void signedOn(GrpcServerRequest<Req, Resp> request, Parser<Req> parser,
      BiConsumer<GrpcCall<Req, Resp>, Identity> then) {
    GrpcCall<Req, Resp> call = new GrpcCall<>(vertx, request, parser, maxMessageBytes, services.metrics());
    try {
      endpoint.connection(request.connection()).takeToken();
    } catch (GatewayException e) {
      call.fail(e);
      return;
    }
    identity(request.headers()).onComplete(ar -> {
      if (call.ended()) {
        return;
      }
      if (ar.failed()) {
        services.metrics().rejected("auth");
        call.fail(ar.cause());
        return;
      }
      then.accept(call, ar.result());
    });
  }

  /** The HTTP ingest API's rule: a credential if one is sent, and one is required where the listener says so. */
  private Future<Identity> identity(MultiMap metadata) {
    String authorization = metadata.get("authorization");
    if (authorization != null) {
      return Bearer.authenticate(authorization, services.identity().authenticator(), listener);
    }
    if (listener.requireIdentity() || !listener.authTokens().isEmpty()) {
      return Future.failedFuture(new GatewayException(ErrorCode.UNAUTHENTICATED,
          "send a credential as the metadata authorization: Bearer <credential>"));
    }
    return Future.succeededFuture(Identity.ANONYMOUS);
  }

  /** One request message, one response. */
  private static <Req, Resp> void unary(GrpcCall<Req, Resp> call, Function<Req, Future<Resp>> handler) {
    oneRequest(call, request -> {
      Future<Resp> response;
      try {
        response = handler.apply(request);
      } catch (GatewayException e) {
        response = Future.failedFuture(e);
      }
      response.onComplete(ar -> {
        if (ar.succeeded()) {
          call.reply(ar.result());
        } else {
          call.fail(ar.cause());
        }
      });
    });
  }

  /** The one request message of a unary or server-streaming call; none, or a second one, is {@code bad_request}. */
  private static <Req, Resp> void oneRequest(GrpcCall<Req, Resp> call, Consumer<Req> handler) {
    boolean[] received = {false};
    call.onMessage(request -> {
      if (received[0]) {
        call.fail(new GatewayException(ErrorCode.BAD_REQUEST, "this call takes one request message"));
        return;
      }
      received[0] = true;
      handler.accept(request);
    });
    call.onEnd(() -> {
      if (!received[0]) {
        call.fail(new GatewayException(ErrorCode.BAD_REQUEST, "the call ended without its request message"));
      }
    });
    call.request().resume();
  }

  private Future<ChannelPosition> create(Identity who, CreateChannelRequest request) {
    listener.require(Permission.CREATE);
    String channel = ChannelNames.require(request.getChannel());
    services.identity().access().requireCreate(who, channel);
    return services.publisher().create(channel).map(c -> GrpcMessages.position(c.name(), c.epoch(), 0));
  }

  private void publishStream(GrpcCall<PublishRequest, PublishAck> call, Identity who) {
    // the leeway that admitted a token whose issuer's clock runs behind ours also delays its end, as in ClientSession
    long endsAtMs = who.expires() ? who.expiresAtMs() + services.identity().leewayMs() : 0;
    PublishStreamCall stream = new PublishStreamCall(vertx, call, publishes,
        endpoint.connection(call.request().connection()), who, endsAtMs, listener.grpcWindow());
    endpoint.opened(stream);
    call.onClose(() -> endpoint.closed(stream));
    stream.start();
  }

  private void subscribe(GrpcCall<SubscribeRequest, Message> call, Identity who) {
    GrpcConnection connection = endpoint.connection(call.request().connection());
    try {
      connection.subscribeStarted();
    } catch (GatewayException e) {
      call.fail(e);
      return;
    }
    call.onClose(connection::subscribeEnded);
    GrpcSubscription subscription = new GrpcSubscription(vertx, call, listener, services);
    endpoint.opened(subscription);
    call.onClose(() -> endpoint.closed(subscription));
    oneRequest(call, request -> subscription.open(who, request));
  }

  /** One page, as {@code GET /channels/{c}/messages} reads it; a limit above the node's page size is lowered. */
  private Future<HistoryPage> history(HistoryRequest request) {
    String channel = ChannelNames.require(request.getChannel());
    long after = request.getAfter();
    // uint64 on the wire: past Long.MAX_VALUE - 1 it is out of the offsets' range
    if (after < 0 || after == Long.MAX_VALUE) {
      throw new GatewayException(ErrorCode.BAD_REQUEST, "after must be in [0, " + (Long.MAX_VALUE - 1) + "]");
    }
    int max = services.historyMaxPage();
    long wanted = Integer.toUnsignedLong(request.getLimit());
    int limit = wanted == 0 || wanted > max ? max : (int) wanted;
    return services.registry().read(channel, after + 1, limit)
        .map(page -> GrpcMessages.page(channel, page.limitBytes(listener.limits().writeQueueBytes())));
  }
}
