package stream.terminal.lastmile.identity;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.text.ParseException;
import java.time.Clock;
import java.util.function.Predicate;
import stream.terminal.lastmile.config.OidcConfig;

/**
 * The issuer's signing keys: discovered from {@code {issuer}/.well-known/openid-configuration} (unless the JWKS
 * address is configured), fetched lazily on the first token, refetched when older than the max age or when a token
 * names a key id the set lacks (rotation). Every fetch attempt, successful or not, is at most one per
 * {@code jwks_min_refresh_seconds}, and concurrent callers share the fetch in flight: a flood of tokens with random
 * key ids, or an issuer that is down, costs the issuer one request per interval. Thread-safe.
 */
final class JwksCache {
  private static final System.Logger LOG = System.getLogger(JwksCache.class.getName());

  /** The keys and when they were fetched. */
  record Keys(JWKSet set, long fetchedAtMs) {}

  private final OidcConfig config;
  private final Clock clock;
  private final JsonDocuments documents;
  private final long minRefreshMs;
  private final long maxAgeMs;

  private volatile Keys current;
  // guarded by this
  private String jwksUri;
  private Future<Keys> inFlight;
  private long lastAttemptMs = Long.MIN_VALUE;

  JwksCache(OidcConfig config, Clock clock, JsonDocuments documents) {
    this.config = config;
    this.clock = clock;
    this.documents = documents;
    this.jwksUri = config.jwksUri();
    this.minRefreshMs = config.jwksMinRefreshSeconds() * 1000L;
    this.maxAgeMs = config.jwksMaxAgeSeconds() * 1000L;
  }

  /**
   * The keys to verify a token with: the cached ones when they are fresh and {@code hasKey} accepts them, else the
   * result of a refetch if one is allowed now (or already in flight), else the cached ones as they are.
   *
   * @return null when no keys have ever been fetched and none could be now
   */
  Future<Keys> keys(Predicate<JWKSet> hasKey) {
    Keys cached = current;
    long now = clock.millis();
    if (cached != null && now - cached.fetchedAtMs() < maxAgeMs && hasKey.test(cached.set())) {
      return Future.succeededFuture(cached);
    }
    Future<Keys> fetch;
    Promise<Keys> started = null;
    synchronized (this) {
      if (inFlight != null) {
        fetch = inFlight;
      } else if (lastAttemptMs == Long.MIN_VALUE || now - lastAttemptMs >= minRefreshMs) {
        lastAttemptMs = now;
        started = Promise.promise();
        fetch = inFlight = started.future();
      } else {
        return Future.succeededFuture(cached);
      }
    }
    if (started != null) {
      fetchInto(started);
    }
    // a failed refetch leaves the last good keys in use: an issuer outage must not sign every user out
    return fetch.otherwise(failure -> current);
  }

  private void fetchInto(Promise<Keys> done) {
    jwksUri().compose(documents::get).map(body -> {
      try {
        return new Keys(JWKSet.parse(body).toPublicJWKSet(), clock.millis());
      } catch (ParseException e) {
        throw new IllegalStateException("the JWKS is not a valid JWK set: " + e.getMessage());
      }
    }).onComplete(result -> {
      synchronized (this) {
        inFlight = null;
        if (result.succeeded()) {
          current = result.result();
        }
      }
      if (result.succeeded()) {
        LOG.log(System.Logger.Level.INFO, "fetched " + result.result().set().size() + " signing key(s) of " + config.issuer());
        done.complete(result.result());
      } else {
        LOG.log(System.Logger.Level.WARNING, "the signing keys of " + config.issuer() + " are unavailable: "
            + result.cause().getMessage());
        done.fail(result.cause());
      }
    });
  }

  /** The configured JWKS address, or the one the discovery document names (remembered once found). */
  private Future<String> jwksUri() {
    synchronized (this) {
      if (jwksUri != null) {
        return Future.succeededFuture(jwksUri);
      }
    }
    String issuer = config.issuer();
    String discovery = (issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer)
        + "/.well-known/openid-configuration";
    return documents.get(discovery).map(body -> {
      JsonObject document;
      try {
        document = new JsonObject(body);
      } catch (DecodeException | ClassCastException e) {
        throw new IllegalStateException(discovery + " is not a JSON object");
      }
      if (!issuer.equals(document.getValue("issuer"))) {
        throw new IllegalStateException(discovery + " names another issuer: " + document.getValue("issuer"));
      }
      // an https issuer's keys come over https too; plain http only for an http (loopback) issuer
      boolean secure = issuer.startsWith("https://");
      if (!(document.getValue("jwks_uri") instanceof String uri)
          || !(uri.startsWith("https://") || (!secure && uri.startsWith("http://")))) {
        throw new IllegalStateException(discovery + " has no " + (secure ? "https" : "http(s)") + " jwks_uri");
      }
      synchronized (this) {
        jwksUri = uri;
      }
      return uri;
    });
  }
}
