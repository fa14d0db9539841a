package stream.terminal.lastmile.identity;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import stream.terminal.lastmile.auth.Secrets;
import stream.terminal.lastmile.config.ApiKeyConfig;
import stream.terminal.lastmile.config.IdentityConfig;
import stream.terminal.lastmile.config.KeyAlgorithm;
import stream.terminal.lastmile.config.PublicKeyConfig;
import stream.terminal.lastmile.config.PublishRate;
import stream.terminal.lastmile.config.PublisherTokensConfig;
import stream.terminal.lastmile.config.SignaturesConfig;
import stream.terminal.lastmile.core.ChannelPattern;

/** Real key pairs and the configuration entries that whitelist them. */
final class TestKeys {
  private TestKeys() {}

  static KeyPair ed25519() {
    return generate("Ed25519", null);
  }

  static KeyPair p256() {
    return generate("EC", "secp256r1");
  }

  static KeyPair generate(String algorithm, String curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (curve != null) {
        generator.initialize(new ECGenParameterSpec(curve));
      }
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static PublicKeyConfig publicKey(String id, KeyPair pair, String... channels) {
    return new PublicKeyConfig(id, pair.getPublic(), KeyAlgorithm.of(pair.getPublic()), patterns(channels),
        PublishRate.UNLIMITED);
  }

  static ApiKeyConfig apiKey(String id, String key, PublishRate rate, String... channels) {
    return new ApiKeyConfig(id, java.util.HexFormat.of().formatHex(Secrets.sha256(key)), patterns(channels), rate);
  }

  static List<ChannelPattern> patterns(String... channels) {
    return Arrays.stream(channels).map(ChannelPattern::of).toList();
  }

  static IdentityConfig identity(List<ApiKeyConfig> apiKeys, List<PublicKeyConfig> publicKeys) {
    return new IdentityConfig(null, PublisherTokensConfig.DEFAULTS, SignaturesConfig.DEFAULTS, apiKeys, publicKeys);
  }

  /** A clock a test moves by hand. */
  static final class MutableClock extends Clock {
    private volatile long millis;

    MutableClock(long millis) {
      this.millis = millis;
    }

    void advance(long ms) {
      millis += ms;
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
