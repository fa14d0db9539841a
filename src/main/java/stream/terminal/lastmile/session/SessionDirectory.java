package stream.terminal.lastmile.session;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;

/**
 * The node's sessions. Those that a later request may address by id: an SSE stream carries nothing from its
 * client, so its token refresh arrives as a separate HTTP request, perhaps on another event loop. Ids are 128
 * random bits, unguessable, so holding one is what entitles a request to address the session. And every open
 * session, whatever its transport, so that a node that can no longer serve the cluster's view (a minority, a
 * merge) can send all its clients elsewhere ({@link #drainAll}).
 */
public final class SessionDirectory {
  private static final SecureRandom RANDOM = new SecureRandom();

  private record Entry(Context context, ClientSession session) {}

  private final ConcurrentHashMap<String, Entry> byId = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<ClientSession, Context> open = new ConcurrentHashMap<>();

  /** A session started; {@code context} is its connection's event loop. */
  void opened(ClientSession session, Context context) {
    open.put(session, context);
  }

  void ended(ClientSession session) {
    open.remove(session);
  }

  /**
   * Every open session drains, as on a stop: commands in flight get their replies, then the disconnect notice
   * 4000 with {@code reconnect: true}, so clients reconnect, through the load balancer, to a node that serves.
   */
  public void drainAll() {
    open.forEach((session, context) -> context.runOnContext(v -> session.drain()));
  }

  /** Lists a session, called on its own context; its id. */
  public String add(ClientSession session) {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    byId.put(id, new Entry(Vertx.currentContext(), session));
    return id;
  }

  public void remove(String id) {
    byId.remove(id);
  }

  /**
   * Runs {@code action} on the session's own event loop; the result completes on the caller's context.
   * An unknown id (the session ended, or lives on another node) fails with {@code stream_not_found}.
   */
  public <T> Future<T> withSession(String id, Function<ClientSession, Future<T>> action) {
    Entry entry = id == null ? null : byId.get(id);
    if (entry == null) {
      return Future.failedFuture(new GatewayException(ErrorCode.STREAM_NOT_FOUND, "no such stream on this node"));
    }
    Context caller = Vertx.currentContext();
    Promise<T> promise = Promise.promise();
    entry.context().runOnContext(v -> {
      Future<T> result;
      try {
        result = action.apply(entry.session());
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> {
        if (caller == null) {
          promise.handle(ar);
        } else {
          caller.runOnContext(x -> promise.handle(ar));
        }
      });
    });
    return promise.future();
  }
}
