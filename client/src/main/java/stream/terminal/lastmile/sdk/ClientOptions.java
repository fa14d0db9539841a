package stream.terminal.lastmile.sdk;

import io.vertx.core.net.TrustOptions;
import java.net.URI;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where a {@link LastMileClient} connects and as whom. The ingest listener ({@link #host}/{@link #port}) serves
 * gRPC and the HTTP API on one port; the edge URL serves the WebSocket protocol. Mutable until the client is
 * created: the client copies what it needs.
 */
public final class ClientOptions {
  /** The first reconnect delay; attempt n waits min(max, initial × 2^(n-1)), less a random share up to half. */
  public static final long DEFAULT_RECONNECT_INITIAL_MS = 1000;
  public static final long DEFAULT_RECONNECT_MAX_MS = 30_000;
  /** A call that gets no answer in this time fails, so a dead node does not leave a publisher waiting forever. */
  public static final long DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
  /**
   * Times a publish is sent again, with the same idempotency key, after an outcome it cannot know (the node
   * answered {@code unavailable}, the connection broke, no answer in time); the node stores it once.
   */
  public static final int DEFAULT_PUBLISH_RETRIES = 3;
  /** The first wait before a publish's retry; each next one doubles, up to {@link #DEFAULT_RETRY_MAX_MS}. */
  public static final long DEFAULT_RETRY_INITIAL_MS = 200;
  public static final long DEFAULT_RETRY_MAX_MS = 5_000;
  /** Publishes of a {@link PublishStream} in flight before {@link PublishStream#writeQueueFull()}. */
  public static final int DEFAULT_STREAM_WINDOW = 256;

  private String host = "127.0.0.1";
  private int port = 8081;
  private URI edgeUrl = URI.create("ws://127.0.0.1:8080/");
  private Supplier<String> credential;
  private boolean tls;
  private TrustOptions trustOptions;
  private long reconnectInitialMs = DEFAULT_RECONNECT_INITIAL_MS;
  private long reconnectMaxMs = DEFAULT_RECONNECT_MAX_MS;
  private long requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
  private int streamWindow = DEFAULT_STREAM_WINDOW;
  private int publishRetries = DEFAULT_PUBLISH_RETRIES;
  private long retryInitialMs = DEFAULT_RETRY_INITIAL_MS;
  private long retryMaxMs = DEFAULT_RETRY_MAX_MS;

  public String host() {
    return host;
  }

  /** The ingest listener's host (gRPC and the HTTP API). */
  public ClientOptions host(String host) {
    this.host = Objects.requireNonNull(host, "host");
    return this;
  }

  public int port() {
    return port;
  }

  public ClientOptions port(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be in [1, 65535]: " + port);
    }
    this.port = port;
    return this;
  }

  public URI edgeUrl() {
    return edgeUrl;
  }

  /** The edge listener's WebSocket URL, {@code ws://host:port/} or {@code wss://host:port/}. */
  public ClientOptions edgeUrl(String url) {
    URI uri = URI.create(Objects.requireNonNull(url, "edgeUrl"));
    if (!"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("edgeUrl must be ws://host[:port]/ or wss://host[:port]/: " + url);
    }
    this.edgeUrl = uri;
    return this;
  }

  public Supplier<String> credential() {
    return credential;
  }

  /**
   * The credential, asked for on each call and each connect: an API key ({@code () -> key}), or a fresh publisher
   * JWT each time (they are single use). Null: anonymous.
   */
  public ClientOptions credential(Supplier<String> credential) {
    this.credential = credential;
    return this;
  }

  public boolean tls() {
    return tls;
  }

  /** TLS to the ingest listener (gRPC with ALPN h2, and the HTTP API); the edge follows its URL's scheme. */
  public ClientOptions tls(boolean tls) {
    this.tls = tls;
    return this;
  }

  public TrustOptions trustOptions() {
    return trustOptions;
  }

  /** The certificates to trust for TLS (ingest and wss://); null: the JVM's default trust store. */
  public ClientOptions trustOptions(TrustOptions trustOptions) {
    this.trustOptions = trustOptions;
    return this;
  }

  public long reconnectInitialMs() {
    return reconnectInitialMs;
  }

  public long reconnectMaxMs() {
    return reconnectMaxMs;
  }

  public ClientOptions reconnect(long initialMs, long maxMs) {
    if (initialMs < 1 || maxMs < initialMs) {
      throw new IllegalArgumentException("reconnect delays need 1 <= initialMs <= maxMs");
    }
    this.reconnectInitialMs = initialMs;
    this.reconnectMaxMs = maxMs;
    return this;
  }

  public long requestTimeoutMs() {
    return requestTimeoutMs;
  }

  public ClientOptions requestTimeoutMs(long requestTimeoutMs) {
    if (requestTimeoutMs < 1) {
      throw new IllegalArgumentException("requestTimeoutMs must be positive");
    }
    this.requestTimeoutMs = requestTimeoutMs;
    return this;
  }

  public int streamWindow() {
    return streamWindow;
  }

  public ClientOptions streamWindow(int streamWindow) {
    if (streamWindow < 1) {
      throw new IllegalArgumentException("streamWindow must be positive");
    }
    this.streamWindow = streamWindow;
    return this;
  }

  public int publishRetries() {
    return publishRetries;
  }

  public long retryInitialMs() {
    return retryInitialMs;
  }

  public long retryMaxMs() {
    return retryMaxMs;
  }

  /**
   * How often and how patiently a publish is retried with its key after an unknown outcome; 0 retries: never (the
   * caller sees the failure, {@link LastMileException#storedUnknown()}, and may retry with the same key itself).
   */
  public ClientOptions publishRetries(int retries, long initialMs, long maxMs) {
    if (retries < 0 || initialMs < 1 || maxMs < initialMs) {
      throw new IllegalArgumentException("publish retries need retries >= 0 and 1 <= initialMs <= maxMs");
    }
    this.publishRetries = retries;
    this.retryInitialMs = initialMs;
    this.retryMaxMs = maxMs;
    return this;
  }

  ClientOptions copy() {
    ClientOptions copy = new ClientOptions();
    copy.host = host;
    copy.port = port;
    copy.edgeUrl = edgeUrl;
    copy.credential = credential;
    copy.tls = tls;
    copy.trustOptions = trustOptions;
    copy.reconnectInitialMs = reconnectInitialMs;
    copy.reconnectMaxMs = reconnectMaxMs;
    copy.requestTimeoutMs = requestTimeoutMs;
    copy.streamWindow = streamWindow;
    copy.publishRetries = publishRetries;
    copy.retryInitialMs = retryInitialMs;
    copy.retryMaxMs = retryMaxMs;
    return copy;
  }
}
