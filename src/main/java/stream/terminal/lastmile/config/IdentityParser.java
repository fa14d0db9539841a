package stream.terminal.lastmile.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import stream.terminal.lastmile.core.ChannelPattern;

/** Validates the {@code identity} section into an {@link IdentityConfig}. */
final class IdentityParser {
  static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern HASH = Pattern.compile("sha256:[0-9a-fA-F]{64}");
  private static final Pattern CLAIM = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
  /** What a token may be signed with; none and the HMACs (HS*) are never accepted. */
  private static final Set<String> ALGORITHMS =
      Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");

  private IdentityParser() {}

  static IdentityConfig parse(ConfigReader r) {
    OidcConfig oidc = r.has("oidc") ? oidc(r.object("oidc")) : null;
    PublisherTokensConfig tokens = publisherTokens(r.object("publisher_tokens"));
    SignaturesConfig signatures = signatures(r.object("signatures"));
    Set<String> ids = new HashSet<>();
    List<ApiKeyConfig> apiKeys = new ArrayList<>();
    List<ConfigReader> apiKeyReaders = r.objects("api_keys");
    for (ConfigReader k : apiKeyReaders == null ? List.<ConfigReader>of() : apiKeyReaders) {
      apiKeys.add(apiKey(k, ids));
    }
    List<PublicKeyConfig> publicKeys = new ArrayList<>();
    List<ConfigReader> publicKeyReaders = r.objects("public_keys");
    for (ConfigReader k : publicKeyReaders == null ? List.<ConfigReader>of() : publicKeyReaders) {
      publicKeys.add(publicKey(k, ids));
    }
    r.rejectUnknown();
    return new IdentityConfig(oidc, tokens, signatures, apiKeys, publicKeys);
  }

  private static OidcConfig oidc(ConfigReader r) {
    String issuer = r.string("issuer", null);
    if (issuer == null) {
      throw ConfigException.at(r.path("issuer"), "required: the issuer URL, the tokens' iss");
    }
    requireHttps(r, "issuer", issuer);
    List<String> audience = r.strings("audience", List.of());
    if (audience.isEmpty()) {
      throw ConfigException.at(r.path("audience"), "required: at least one value the tokens' aud must contain");
    }
    List<String> algorithms = r.strings("algorithms", List.of("RS256", "ES256"));
    if (algorithms.isEmpty()) {
      throw ConfigException.at(r.path("algorithms"), "at least one algorithm");
    }
    for (int i = 0; i < algorithms.size(); i++) {
      String alg = algorithms.get(i);
      if (!ALGORITHMS.contains(alg)) {
        String why = alg.toLowerCase(Locale.ROOT).equals("none") || alg.toUpperCase(Locale.ROOT).startsWith("HS")
            ? "'" + alg + "' is never accepted (unsigned, or an HMAC whose key a client could know)"
            : "unknown algorithm '" + alg + "'";
        throw ConfigException.at(r.path("algorithms") + "[" + i + "]",
            why + "; choose from RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA");
      }
    }
    int leeway = r.integer("leeway_seconds", 30, 0, 300);
    String claim = r.string("channels_claim", "channels");
    if (!CLAIM.matcher(claim).matches()) {
      throw ConfigException.at(r.path("channels_claim"), "a claim name: 1-128 of A-Z a-z 0-9 _ . : -");
    }
    int minRefresh = r.integer("jwks_min_refresh_seconds", 30, 1, 3600);
    int maxAge = r.integer("jwks_max_age_seconds", 3600, 60, 86_400);
    String jwksUri = r.string("jwks_uri", null);
    if (jwksUri != null) {
      requireHttps(r, "jwks_uri", jwksUri);
    }
    r.rejectUnknown();
    return new OidcConfig(issuer, List.copyOf(audience), List.copyOf(algorithms), leeway, claim, minRefresh, maxAge,
        jwksUri);
  }

  /** Keys fetched over plain HTTP could be swapped on the way: only a loopback issuer (tests, dev) may use it. */
  private static void requireHttps(ConfigReader r, String key, String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw ConfigException.at(r.path(key), "'" + url + "' is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http") && Loopback.is(uri.getHost()))) {
      throw ConfigException.at(r.path(key), "'" + url + "' must be an https URL (http only on a loopback host)");
    }
  }

  private static PublisherTokensConfig publisherTokens(ConfigReader r) {
    PublisherTokensConfig d = PublisherTokensConfig.DEFAULTS;
    PublisherTokensConfig tokens = new PublisherTokensConfig(
        r.string("audience", d.audience()), r.integer("max_lifetime_seconds", d.maxLifetimeSeconds(), 1, 3600));
    r.rejectUnknown();
    return tokens;
  }

  private static SignaturesConfig signatures(ConfigReader r) {
    SignaturesConfig signatures =
        new SignaturesConfig(r.integer("max_skew_seconds", SignaturesConfig.DEFAULTS.maxSkewSeconds(), 1, 86_400));
    r.rejectUnknown();
    return signatures;
  }

  private static ApiKeyConfig apiKey(ConfigReader r, Set<String> ids) {
    String id = keyId(r, ids);
    String hash = r.string("hash", null);
    if (hash == null || !HASH.matcher(hash).matches()) {
      throw ConfigException.at(r.path("hash"),
          "required: sha256:<64 hex digits> (java -jar last-mile.jar keygen api-key prints it)");
    }
    ApiKeyConfig key = new ApiKeyConfig(id, hash.substring("sha256:".length()).toLowerCase(Locale.ROOT),
        keyChannels(r), rate(r));
    r.rejectUnknown();
    return key;
  }

  private static PublicKeyConfig publicKey(ConfigReader r, Set<String> ids) {
    String id = keyId(r, ids);
    String text = r.string("key", null);
    if (text == null) {
      throw ConfigException.at(r.path("key"), "required: an Ed25519 or P-256 public key (base64 SPKI DER or PEM)");
    }
    PublicKeys.Parsed parsed;
    try {
      parsed = PublicKeys.parse(text);
    } catch (IllegalArgumentException e) {
      throw ConfigException.at(r.path("key"), e.getMessage());
    }
    PublicKeyConfig key = new PublicKeyConfig(id, parsed.key(), parsed.algorithm(), keyChannels(r), rate(r));
    r.rejectUnknown();
    return key;
  }

  private static String keyId(ConfigReader r, Set<String> ids) {
    String id = r.string("id", null);
    if (id == null || !KEY_ID.matcher(id).matches()) {
      throw ConfigException.at(r.path("id"), "required; 1-64 characters from A-Z a-z 0-9 . _ -");
    }
    if (!ids.add(id)) {
      throw ConfigException.at(r.path("id"), "'" + id + "' is already the id of another api_keys or public_keys entry");
    }
    return id;
  }

  private static List<ChannelPattern> keyChannels(ConfigReader r) {
    List<String> channels = r.strings("channels", List.of());
    if (channels.isEmpty()) {
      throw ConfigException.at(r.path("channels"), "required: the channel patterns this key may publish on");
    }
    for (int i = 0; i < channels.size(); i++) {
      if (!ConfigParser.isGlob(channels.get(i))) {
        throw ConfigException.at(r.path("channels") + "[" + i + "]", ConfigParser.GLOB_RULE);
      }
    }
    return channels.stream().map(ChannelPattern::of).toList();
  }

  private static PublishRate rate(ConfigReader r) {
    int perSecond = r.integer("publishes_per_second", 0, 0, 1_000_000);
    int burst = r.integer("burst", 0, 0, 1_000_000);
    return perSecond == 0 ? PublishRate.UNLIMITED : new PublishRate(perSecond, burst == 0 ? perSecond : burst);
  }
}
