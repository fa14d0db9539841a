package stream.terminal.lastmile.bench.abuse;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.BitSet;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import stream.terminal.lastmile.bench.Payload;
import stream.terminal.lastmile.bench.WsConnection;

/**
 * The well-behaved client the attacks must not hurt: a publisher POSTing to the ingest API at a steady rate and
 * one WebSocket subscriber on the edge, from 127.0.0.1 (the attackers use other addresses). Each message carries
 * its send time; loss is counted by offsets: every offset the ingest API acknowledged must reach the subscriber.
 * The harness reads it from its own thread, so the ledger's methods are synchronized.
 */
final class SteadyStream extends VerticleBase implements WsConnection.Sink {
  static final String CHANNEL = "abuse.steady";
  private static final String SUBSCRIBE = "{\"op\":\"subscribe\",\"channel\":\"" + CHANNEL + "\",\"id\":1}";

  private final Target target;
  private final int rate;
  private final Recorder latency = new Recorder(3);
  private final Histogram window = new Histogram(3);
  private final BitSet received = new BitSet();
  /** Offsets acknowledged in the open window; after it closes, those of the next one (checked with it). */
  private final BitSet ackedInPhase = new BitSet();
  private BitSet ackedLater = new BitSet();
  private boolean phaseOpen;
  private HttpClient http;
  private NetClient client;
  private WsConnection subscriber;
  private long publishErrors;
  private String lostConnection;
  private long startNanos;
  private long timer = -1;
  private long sent;
  private long answered;

  SteadyStream(Target target, int rate) {
    this.target = target;
    this.rate = rate;
  }

  @Override
  public Future<?> start() {
    http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(target.host())
        .setDefaultPort(target.ingestPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(8));
    client = vertx.createNetClient(new NetClientOptions().setLocalAddress("127.0.0.1").setTcpNoDelay(true)
        .setConnectTimeout(10_000));
    return http.request(HttpMethod.PUT, "/channels/" + CHANNEL)
        .compose(request -> request.send().compose(response -> response.body().map(b -> {
          if (response.statusCode() != 201 && response.statusCode() != 409) {
            throw new IllegalStateException("cannot create " + CHANNEL + ": HTTP " + response.statusCode() + " " + b);
          }
          return b;
        })))
        .compose(created -> resubscribe())
        .onSuccess(v -> {
          startNanos = System.nanoTime();
          timer = vertx.setPeriodic(1, id -> tick());
        });
  }

  /** Subscribes again when the last subscriber was dropped (an attack may do that: it then shows as loss). */
  Future<Void> subscribe() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> resubscribe().onComplete(done));
    return done.future();
  }

  private Future<Void> resubscribe() {
    synchronized (this) {
      if (subscriber != null && lostConnection == null) {
        return Future.succeededFuture();
      }
    }
    return WsConnection.open(client, target.host(), target.edgePort(), "/", List.of(SUBSCRIBE), this)
        .onSuccess(connection -> {
          synchronized (this) {
            subscriber = connection;
            lostConnection = null;
          }
        })
        .mapEmpty();
  }

  private void tick() {
    long due = (System.nanoTime() - startNanos) * rate / 1_000_000_000L;
    // never more than a second of publishes unanswered: a stalled node must not make the harness pile them up
    while (sent < due && sent - answered < rate) {
      sent++;
      publish();
    }
  }

  private void publish() {
    http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/channels/" + CHANNEL + "/messages")
            .putHeader("Content-Type", "application/json"))
        .compose(request -> request.send(Payload.body(Payload.nowMicros(), "")).compose(response -> response.body()
            .map(b -> {
              if (response.statusCode() != 200 && response.statusCode() != 201) {
                throw new IllegalStateException("HTTP " + response.statusCode());
              }
              return new JsonObject(b).getLong("offset");
            })))
        .onComplete(done -> {
          answered++;
          synchronized (this) {
            if (done.succeeded()) {
              (phaseOpen ? ackedInPhase : ackedLater).set(done.result().intValue());
            } else {
              publishErrors++;
            }
          }
        });
  }

  @Override
  public void message(long stampMicros) {
    // frames are read in frame()
  }

  @Override
  public void frame(Buffer buf, int from, int to) {
    long offset = number(buf, from, to, "\"offset\":");
    long stamp = Payload.stamp(buf, from, to);
    if (offset < 0 || stamp < 0) {
      return; // not a message of the stream
    }

    latency.recordValue(Math.max(0, Payload.nowMicros() - stamp));
    synchronized (this) {
      received.set((int) offset);
    }
  }

  @Override
  public synchronized void lost(String why) {
    lostConnection = why;
  }

  /**
   * Starts a measured window: its latency, and the offsets acknowledged from now on together with those of the
   * last window still on their way.
   */
  synchronized void startPhase() {
    latency.reset();
    window.reset();
    ackedInPhase.andNot(received);
    ackedInPhase.or(ackedLater);
    ackedLater = new BitSet();
    phaseOpen = true;
  }

  /**
   * Closes the window: what is acknowledged from now on is checked with the next one, so that waiting for this
   * window's messages is not a race with the publisher.
   */
  synchronized void endPhase() {
    phaseOpen = false;
  }

  /** The window's latency (µs) so far. */
  synchronized Histogram latency() {
    window.add(latency.getIntervalHistogram());
    return window.copy();
  }

  /** Forgets the offsets still missing: they have been reported as lost. */
  synchronized void settle() {
    ackedInPhase.clear();
  }

  /** Offsets acknowledged in this window that the subscriber has not received. */
  synchronized int missing() {
    BitSet missing = (BitSet) ackedInPhase.clone();
    missing.andNot(received);
    return missing.cardinality();
  }

  /** The first few missing offsets, for the log. */
  synchronized String missingOffsets() {
    BitSet missing = (BitSet) ackedInPhase.clone();
    missing.andNot(received);
    return missing.stream().limit(10).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(","));
  }

  synchronized long publishErrors() {
    return publishErrors;
  }

  /** Why the subscriber was dropped, or null while it is connected. */
  synchronized String lostConnection() {
    return lostConnection;
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.join(subscriber == null ? Future.succeededFuture() : subscriber.close(), http.close(), client.close());
  }

  /** The number after {@code key} in {@code buf[from, to)}, or -1. */
  private static long number(Buffer buf, int from, int to, String key) {
    String head = buf.getString(from, Math.min(to, from + 200));
    int at = head.indexOf(key);
    if (!head.startsWith("{\"type\":\"message\"") || at < 0) {
      return -1;
    }
    long value = 0;
    int digits = 0;
    for (int i = at + key.length(); i < head.length() && Character.isDigit(head.charAt(i)); i++, digits++) {
      value = value * 10 + (head.charAt(i) - '0');
    }
    return digits == 0 ? -1 : value;
  }
}
