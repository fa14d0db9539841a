package stream.terminal.lastmile.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes over HTTP POST (the gateway's ingest API, Nchan's publisher location, the floor server's /pub) on a
 * 1 ms tick. At a fixed rate it sends what the elapsed time calls for, so timer jitter does not lower the rate;
 * at rate 0 it keeps at most {@code window} messages in flight end to end: sent but not yet delivered to every
 * subscriber (acknowledgements alone would let a server queue without bound). The shared channel has its own
 * fixed rate.
 */
final class PublishLoop extends VerticleBase {
  /** Unacknowledged publishes beyond this mean the server does not keep up: the rate is then not held. */
  private static final int MAX_UNACKED = 1024;

  private final LoadSettings settings;
  private final Tally tally;
  private final int[] followers;
  private final int perMessage;
  private final String padding;
  private final Promise<Counts> drained = Promise.promise();
  private final AtomicReference<String> firstError = new AtomicReference<>();
  private HttpClient http;
  private long timer;
  private long startNanos;
  private int nextChannel;
  private boolean stopping;
  private volatile long sent;
  private volatile long sharedSent;
  private volatile long acked;
  private volatile long failed;
  /** Deliveries the acknowledged publishes call for. */
  private volatile long expected;
  /** Deliveries the publishes sent so far call for (acknowledged or not). */
  private long expectedSent;

  PublishLoop(LoadSettings settings, Tally tally) {
    this.settings = settings;
    this.tally = tally;
    this.followers = new int[settings.channels()];
    for (int i = 0; i < settings.subscribers(); i++) {
      followers[i % settings.channels()]++;
    }
    this.perMessage = followers[0];
    this.padding = Payload.padding(settings.payloadBytes());
  }

  @Override
  public Future<?> start() {
    UrlTemplate target = settings.publish();
    http = vertx.createHttpClient(
        new HttpClientOptions().setDefaultHost(target.host()).setDefaultPort(target.port()).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(Math.max(8, Math.min(64, settings.window()))));
    startNanos = System.nanoTime();
    timer = vertx.setPeriodic(1, id -> tick());
    return Future.succeededFuture();
  }

  private void tick() {
    if (stopping) {
      return;
    }
    long elapsed = System.nanoTime() - startNanos;
    if (settings.rate() > 0) {
      long due = elapsed * settings.rate() / 1_000_000_000L;
      while (sent < due && sent + sharedSent - acked - failed < MAX_UNACKED) {
        publishNext();
      }
    } else {
      while (sent + sharedSent - acked - failed < settings.window()
          && expectedSent - tally.delivered.sum() < (long) settings.window() * perMessage) {
        publishNext();
      }
    }
    long sharedDue = elapsed * settings.sharedRate() / 1_000_000_000L;
    while (sharedSent < sharedDue && sent + sharedSent - acked - failed < MAX_UNACKED) {
      sharedSent++;
      publish(settings.sharedChannel(), settings.subscribers());
    }
  }

  private void publishNext() {
    int channel = nextChannel;
    nextChannel = (nextChannel + 1) % settings.channels();
    sent++;
    publish(settings.channel(channel), followers[channel]);
  }

  private void publish(String channel, int deliveries) {
    expectedSent += deliveries;
    Buffer body = Payload.body(Payload.nowMicros(), padding);
    http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(settings.publish().path(channel))
            .putHeader("Content-Type", "application/json"))
        // the response is read in send()'s own callback: a later stage may find its body already gone
        .compose(request -> request.send(body).compose(response -> response.body().map(b -> {
          if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("HTTP " + response.statusCode() + ": " + b);
          }
          return b;
        })))
        .onComplete(done -> {
          if (done.succeeded()) {
            acked++;
            expected += deliveries;
          } else {
            failed++;
            expectedSent -= deliveries;
            firstError.compareAndSet(null, done.cause().getMessage());
          }
          if (stopping) {
            checkDrained();
          }
        });
  }

  /** Publishes sent (each counted once), acknowledged and refused; the deliveries acknowledged ones call for. */
  record Counts(long sent, long acked, long failed, long expected, String firstError) {}

  Counts counts() {
    return new Counts(sent + sharedSent, acked, failed, expected, firstError.get());
  }

  /** Stops publishing; completes when every publish sent has its answer. */
  Future<Counts> finish() {
    context.runOnContext(v -> {
      stopping = true;
      checkDrained();
    });
    return drained.future();
  }

  private void checkDrained() {
    if (acked + failed == sent + sharedSent) {
      drained.tryComplete(counts());
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return http.close();
  }
}
