package stream.terminal.lastmile.sdk;

import com.google.protobuf.Any;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Consumer;
import stream.terminal.lastmile.grpc.v1.ChannelPosition;
import stream.terminal.lastmile.grpc.v1.CreateChannelRequest;
import stream.terminal.lastmile.grpc.v1.HistoryPage;
import stream.terminal.lastmile.grpc.v1.HistoryRequest;
import stream.terminal.lastmile.grpc.v1.IngestGrpcClient;
import stream.terminal.lastmile.grpc.v1.Message;
import stream.terminal.lastmile.grpc.v1.PublishAck;
import stream.terminal.lastmile.grpc.v1.PublishRequest;

/**
 * A last-mile client (docs/client-java.md): publishes over gRPC or the HTTP API of an ingest listener, and
 * subscribes over WebSocket to an edge listener with reconnect and resume. Every call returns a Vert.x
 * {@link Future}; failures are {@link LastMileException}s with the wire error code. Safe to use from any thread;
 * callbacks run on the context the client was created on (a new event-loop context from a plain thread).
 */
public final class LastMileClient {
  private final Context context;
  private final ClientOptions options;
  private final GrpcIngest grpc;
  private final HttpIngest http;
  private final EdgeConnection edge;

  private LastMileClient(Vertx vertx, ClientOptions options) {
    this.context = vertx.getOrCreateContext();
    this.options = options;
    this.grpc = new GrpcIngest(vertx, options);
    this.http = new HttpIngest(vertx, options);
    this.edge = new EdgeConnection(vertx, context, options);
  }

  public static LastMileClient create(Vertx vertx, ClientOptions options) {
    return new LastMileClient(vertx, options.copy());
  }

  /** Creates a channel (gRPC CreateChannel); {@code channel_exists} when it exists. Its offset is 0. */
  public Future<ChannelState> createChannel(String channel) {
    return onContext(() -> grpc.<CreateChannelRequest, ChannelPosition>unary(IngestGrpcClient.CreateChannel,
            CreateChannelRequest.newBuilder().setChannel(channel).build())
        .map(p -> new ChannelState(p.getChannel(), p.getEpoch(), p.getOffset())));
  }

  /**
   * Publishes one JSON document (gRPC Publish), exactly once: with a fresh idempotency key, sent again with it
   * after an indeterminate outcome ({@link ClientOptions#publishRetries}). A retry whose first attempt had been
   * stored succeeds with {@link Stored#duplicate()}.
   */
  public Future<Stored> publish(String channel, String json) {
    return publish(channel, json, IdempotencyKeys.fresh());
  }

  /**
   * Publishes one JSON document with the caller's idempotency key (at most 64 characters of
   * {@code A-Za-z0-9._:-}): the same key on the same channel within the channel's window is stored once, however
   * often and from wherever it is sent. For keys that outlive the process (an outbox's row id, an order number).
   */
  public Future<Stored> publish(String channel, String json, String key) {
    return publish(PublishRequest.newBuilder().setChannel(channel).setJson(json).setIdempotencyKey(key).build());
  }

  /** Publishes a Protobuf message as {@code google.protobuf.Any}, exactly once as {@link #publish(String, String)}. */
  public Future<Stored> publish(String channel, com.google.protobuf.Message message) {
    return publish(PublishRequest.newBuilder().setChannel(channel).setAny(Any.pack(message))
        .setIdempotencyKey(IdempotencyKeys.fresh()).build());
  }

  private Future<Stored> publish(PublishRequest request) {
    return onContext(() -> IdempotencyKeys.withRetries(context, options,
        () -> grpc.<PublishRequest, PublishAck>unary(IngestGrpcClient.Publish, request)
            .compose(ack -> ack.hasError()
                ? Future.failedFuture(new LastMileException(ack.getError().getCode(), ack.getError().getMessage(),
                    "unknown".equals(ack.getError().getStored())))
                : Future.succeededFuture(new Stored(ack.getStored().getChannel(), ack.getStored().getEpoch(),
                    ack.getStored().getOffset(), ack.getDuplicate())))));
  }

  /** Opens a PublishStream: many publishes on one call, acknowledged in order, with backpressure. */
  public PublishStream openStream() {
    return new PublishStream(context, grpc, options.streamWindow());
  }

  /** Publishes one JSON document over the HTTP API ({@code POST /channels/{c}/messages}), exactly once as {@link #publish(String, String)}. */
  public Future<Stored> publishHttp(String channel, String json) {
    return publishHttp(channel, json, IdempotencyKeys.fresh());
  }

  /** The same with the caller's idempotency key ({@code Idempotency-Key}), as {@link #publish(String, String, String)}. */
  public Future<Stored> publishHttp(String channel, String json, String key) {
    return onContext(() -> IdempotencyKeys.withRetries(context, options, () -> http.publish(channel, json, key)));
  }

  /** Every channel with its position, sorted by name (HTTP {@code GET /channels}). */
  public Future<List<ChannelState>> channels() {
    return onContext(http::channels);
  }

  /** One page of a channel's backlog after offset {@code after} (0: from the oldest); {@code limit} 0: the node's page. */
  public Future<History> history(String channel, long after, int limit) {
    HistoryRequest request = HistoryRequest.newBuilder().setChannel(channel).setAfter(after).setLimit(limit).build();
    return onContext(() -> grpc.<HistoryRequest, HistoryPage>unary(IngestGrpcClient.History, request)
        .map(page -> new History(page.getChannel(), page.getEpoch(), page.getOffset(), page.getFirstAvailable(),
            page.getMessagesList().stream().map(LastMileClient::received).toList())));
  }

  /**
   * The same page over the HTTP API ({@code GET /channels/{c}/messages}). Its data is decoded and encoded again,
   * so number formatting may differ from {@link #history} (1.10 comes back as 1.1).
   */
  public Future<History> historyHttp(String channel, long after, int limit) {
    return onContext(() -> http.history(channel, after, limit));
  }

  private static Received received(Message m) {
    return new Received(m.getChannel(), m.getEpoch(), m.getOffset(), m.getTs(), m.getJson(),
        m.getKid().isEmpty() ? null : m.getKid(), m.getSig().isEmpty() ? null : m.getSig());
  }

  /** Subscribes over WebSocket; messages go to {@code handler} in offset order, each once. */
  public Subscription subscribe(String channel, Consumer<Received> handler) {
    return subscribe(channel, handler, new SubscriptionListener() {});
  }

  /** Subscribes over WebSocket, with a listener for gaps, disconnects, reconnects and errors. */
  public Subscription subscribe(String channel, Consumer<Received> handler, SubscriptionListener listener) {
    Subscription subscription = new Subscription(channel, handler, listener, edge);
    context.runOnContext(v -> edge.add(subscription));
    return subscription;
  }

  /** Ends every subscription and closes the connections; calls in flight fail. */
  public Future<Void> close() {
    return Future.join(edge.close(), grpc.close(), http.close()).mapEmpty();
  }

  /** Runs a call on the client's context, so its callbacks and the connections it opens live there. */
  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> call) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(promise));
    return promise.future();
  }
}
