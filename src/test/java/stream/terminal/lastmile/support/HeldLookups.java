package stream.terminal.lastmile.support;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import stream.terminal.lastmile.core.IdempotencyKey;
import stream.terminal.lastmile.core.Published;
import stream.terminal.lastmile.core.BacklogPage;
import stream.terminal.lastmile.channel.Channel;
import stream.terminal.lastmile.channel.ChannelInfo;
import stream.terminal.lastmile.channel.ChannelRegistry;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Signature;

/**
 * A channel registry that can hold one {@code get} in flight until the test lets it go, the way a cluster's
 * registry answers later: the embedded one answers at once, so a race with the lookup could not happen.
 * Every other call goes straight to the real registry.
 */
public final class HeldLookups implements ChannelRegistry {
  /** One held lookup: the test waits for it to be asked, then completes it. */
  public static final class Held {
    private final CompletableFuture<Void> asked = new CompletableFuture<>();
    private volatile Promise<ChannelInfo> answer;
    private volatile Context context;
    private volatile Future<ChannelInfo> real;

    /** Waits until the session asked for the channel. */
    public void awaitAsked() throws Exception {
      asked.get(WsClient.TIMEOUT_S, TimeUnit.SECONDS);
    }

    /** Completes the lookup with the real registry's answer, on the asking context. */
    public void release() throws Exception {
      awaitAsked();
      context.runOnContext(v -> real.onComplete(answer));
    }

    /** Fails the lookup, on the asking context. */
    public void fail(Throwable cause) throws Exception {
      awaitAsked();
      context.runOnContext(v -> answer.fail(cause));
    }
  }

  private final ChannelRegistry real;
  private volatile String heldChannel;
  private volatile Held held;

  private HeldLookups(ChannelRegistry real) {
    this.real = real;
  }

  public static HeldLookups wrap(ChannelRegistry real) {
    return new HeldLookups(real);
  }

  /** Holds the next lookup of a channel. */
  public synchronized Held holdNext(String channel) {
    held = new Held();
    heldChannel = channel;
    return held;
  }

  @Override
  public Future<ChannelInfo> get(String name) {
    Held h;
    synchronized (this) {
      if (!name.equals(heldChannel)) {
        return real.get(name);
      }
      h = held;
      heldChannel = null;
    }
    h.context = Vertx.currentContext();
    h.answer = Promise.promise();
    h.real = real.get(name);
    h.asked.complete(null);
    return h.answer.future();
  }

  @Override
  public Future<Channel> create(String name) {
    return real.create(name);
  }

  @Override
  public Future<ChannelMessage> append(String name, long ts, String data, Signature signature, ProtoPayload proto) {
    return real.append(name, ts, data, signature, proto);
  }

  @Override
  public Future<Published> appendOnce(String name, IdempotencyKey key, long ts, String data, Signature signature,
      ProtoPayload proto) {
    return real.appendOnce(name, key, ts, data, signature, proto);
  }

  @Override
  public Future<BacklogPage> read(String name, long from, int limit) {
    return real.read(name, from, limit);
  }

  @Override
  public Future<List<ChannelInfo>> list() {
    return real.list();
  }
}
