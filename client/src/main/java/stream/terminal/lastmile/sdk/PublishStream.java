package stream.terminal.lastmile.sdk;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import stream.terminal.lastmile.grpc.v1.IngestGrpcClient;
import stream.terminal.lastmile.grpc.v1.PublishAck;
import stream.terminal.lastmile.grpc.v1.PublishRequest;

/**
 * One PublishStream call: many publishes on one HTTP/2 stream, each acknowledged in the order sent. A refused
 * message fails its own future only; the stream goes on. Backpressure: {@link #writeQueueFull()} once
 * {@link ClientOptions#streamWindow()} publishes await their acks or HTTP/2 flow control holds the writes, then
 * {@link #drainHandler} when there is room again. Safe to call from any thread; callbacks run on the client's
 * context.
 */
public final class PublishStream {
  private final Context context;
  private final int window;
  private final Promise<GrpcClientRequest<PublishRequest, PublishAck>> opened = Promise.promise();
  private final Future<GrpcClientRequest<PublishRequest, PublishAck>> request = opened.future();
  /** Touched on the context only: the futures of the publishes sent and not yet acknowledged, in order. */
  private final Deque<Promise<Stored>> unacknowledged = new ArrayDeque<>();
  /** Read from any thread by writeQueueFull(). */
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Promise<Void> ended = Promise.promise();
  private long sequence;
  private boolean closing;
  private boolean transportFull;
  private Handler<Void> drainHandler;

  PublishStream(Context context, GrpcIngest ingest, int window) {
    this.context = context;
    this.window = window;
    // opened on the context, so that the call's callbacks run there too
    context.runOnContext(v -> ingest.<PublishRequest, PublishAck>open(IngestGrpcClient.PublishStream, false)
        .onComplete(opened));
    request.onComplete(result -> {
      if (result.failed()) {
        finish(Failures.of(result.cause()));
        return;
      }
      GrpcClientRequest<PublishRequest, PublishAck> req = result.result();
      req.drainHandler(v -> {
        transportFull = false;
        maybeDrain();
      });
      req.response().onComplete(response -> {
        if (response.failed()) {
          finish(Failures.of(response.cause()));
        } else {
          read(response.result());
        }
      });
    });
  }

  private void read(GrpcClientResponse<PublishRequest, PublishAck> response) {
    response.handler(this::acknowledged);
    response.exceptionHandler(failure -> finish(Failures.of(failure)));
    response.end().onComplete(done -> {
      if (response.status() != null && response.status() != GrpcStatus.OK) {
        finish(Failures.of(response));
      } else if (done.failed()) {
        finish(Failures.of(done.cause()));
      } else {
        finish(unacknowledged.isEmpty() ? null
            : new LastMileException(LastMileException.UNAVAILABLE, "the stream ended before this message's ack"));
      }
    });
  }

  private void acknowledged(PublishAck ack) {
    Promise<Stored> next = unacknowledged.poll();
    if (next == null) {
      return; // an ack for nothing sent: the stream's status tells what went wrong
    }
    inFlight.decrementAndGet();
    if (ack.hasError()) {
      next.fail(new LastMileException(ack.getError().getCode(), ack.getError().getMessage(),
          "unknown".equals(ack.getError().getStored())));
    } else {
      next.complete(new Stored(ack.getStored().getChannel(), ack.getStored().getEpoch(),
          ack.getStored().getOffset(), ack.getDuplicate()));
    }
    maybeDrain();
  }

  /**
   * Publishes one JSON document with a fresh idempotency key; the future completes with where it was stored, or
   * fails with its refusal. A stream does not retry on its own (a retry would overtake the publishes sent after
   * it): to retry one whose outcome is unknown ({@link LastMileException#indeterminate()}), send it again with
   * {@link #send(String, String, String)} and a key of your own.
   */
  public Future<Stored> send(String channel, String json) {
    return send(channel, json, IdempotencyKeys.fresh());
  }

  /** Publishes one JSON document with the caller's idempotency key: sent again with it, it is stored once. */
  public Future<Stored> send(String channel, String json, String key) {
    return send(PublishRequest.newBuilder().setChannel(channel).setJson(json).setIdempotencyKey(key));
  }

  /** Publishes a Protobuf message, as {@code google.protobuf.Any}; its type must be in the node's descriptor sets. */
  public Future<Stored> send(String channel, com.google.protobuf.Message message) {
    return send(PublishRequest.newBuilder().setChannel(channel).setAny(com.google.protobuf.Any.pack(message))
        .setIdempotencyKey(IdempotencyKeys.fresh()));
  }

  private Future<Stored> send(PublishRequest.Builder message) {
    Promise<Stored> promise = Promise.promise();
    inFlight.incrementAndGet();
    context.runOnContext(v -> {
      if (closing || ended.future().isComplete()) {
        inFlight.decrementAndGet();
        promise.fail(ended.future().failed() ? ended.future().cause()
            : new LastMileException(LastMileException.CLOSED, "the stream is closed"));
        return;
      }
      unacknowledged.add(promise);
      message.setSequence(++sequence);
      // futures complete in the order their callbacks were added: the writes keep the order of send()
      request.onSuccess(req -> {
        req.write(message.build());
        transportFull |= req.writeQueueFull();
      });
    });
    return promise.future();
  }

  /** True while the caller should stop sending: the window of unacknowledged publishes is full, or HTTP/2 is. */
  public boolean writeQueueFull() {
    return inFlight.get() >= window || transportFull;
  }

  /** Called on the client's context when {@link #writeQueueFull()} turns false. */
  public PublishStream drainHandler(Handler<Void> handler) {
    context.runOnContext(v -> this.drainHandler = handler);
    return this;
  }

  private void maybeDrain() {
    Handler<Void> handler = drainHandler;
    if (handler != null && !writeQueueFull()) {
      drainHandler = null;
      handler.handle(null);
    }
  }

  /** The number of publishes sent and not acknowledged yet. */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Ends the stream once every publish sent is written; completes when the node has acknowledged them all and
   * ended the call, or fails with the stream's status (then the publishes without an ack fail with it too).
   */
  public Future<Void> close() {
    context.runOnContext(v -> {
      if (!closing) {
        closing = true;
        request.onSuccess(GrpcClientRequest::end);
      }
    });
    return ended.future();
  }

  /** Completes when the call ends with OK after {@link #close()}; fails when it ended otherwise (its status). */
  public Future<Void> ended() {
    return ended.future();
  }

  /** The stream's end: OK (null, every publish acknowledged) or the failure each publish without an ack gets. */
  private void finish(LastMileException failure) {
    for (Promise<Stored> p; (p = unacknowledged.poll()) != null; ) {
      inFlight.decrementAndGet();
      p.tryFail(failure);
    }
    if (failure == null) {
      ended.tryComplete();
    } else {
      ended.tryFail(failure);
    }
  }
}
