package stream.terminal.lastmile.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import stream.terminal.lastmile.config.IdentityConfig;
import stream.terminal.lastmile.config.KeyAlgorithm;
import stream.terminal.lastmile.config.PublicKeyConfig;
import stream.terminal.lastmile.core.ChannelPattern;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.Signature;

/**
 * End-to-end message signatures (docs/protocol.md, signed messages): a whitelisted key signs the RFC 8785 form of
 * {@code {"channel", "data", "ts"}}, so a subscriber can check the data whatever node relayed it. Thread-safe.
 */
public final class MessageSignatures {
  /** Both algorithms' signatures are 64 bytes: Ed25519, and P-256's raw r||s. */
  private static final int SIGNATURE_BYTES = 64;
  private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]{86}");

  /** A whitelisted key, and its verifier decoded once. */
  private record Key(PublicKeyConfig config, KeyVerifier verifier) {}

  private final Map<String, Key> keys;
  private final long skewMs;
  private final Clock clock;

  public MessageSignatures(IdentityConfig config, Clock clock) {
    this.keys = config.publicKeys().stream()
        .collect(Collectors.toUnmodifiableMap(PublicKeyConfig::id, k -> new Key(k, KeyVerifier.of(k.key()))));
    this.skewMs = config.signatures().maxSkewSeconds() * 1000L;
    this.clock = clock;
  }

  /**
   * @param data the message's data, one JSON document
   * @param ts the publisher's timestamp, ms since the epoch
   * @throws GatewayException {@code bad_signature} for an unknown key, a malformed or wrong signature, data that is
   *     not I-JSON or a timestamp outside the allowed skew; {@code permission_denied} when the key's channel
   *     patterns do not cover the channel
   */
  public void verify(String channel, String data, long ts, Signature signature) {
    Key known = signature.kid() == null ? null : keys.get(signature.kid());
    if (known == null) {
      throw new GatewayException(ErrorCode.BAD_SIGNATURE, "unknown key id '" + signature.kid() + "'");
    }
    PublicKeyConfig key = known.config();
    byte[] sig = decode(signature.sig());
    long now = clock.millis();
    if (ts < now - skewMs || ts > now + skewMs) { // not |ts - now|: that overflows for a ts near Long.MIN_VALUE
      throw new GatewayException(ErrorCode.BAD_SIGNATURE, "timestamp outside the allowed skew");
    }
    if (!ChannelPattern.anyMatches(key.channels(), channel)) {
      throw new GatewayException(ErrorCode.PERMISSION_DENIED,
          "key '" + key.id() + "' may not sign messages of channel '" + channel + "'");
    }
    byte[] input;
    try {
      input = canonical(channel, data, ts).getBytes(StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new GatewayException(ErrorCode.BAD_SIGNATURE, "the data cannot be canonicalized: " + e.getMessage());
    }
    if (!known.verifier().verify(input, sig)) {
      throw new GatewayException(ErrorCode.BAD_SIGNATURE, "the signature does not verify with key '" + key.id() + "'");
    }
  }

  /** The signature's bytes; one spelling only (the unused low bits of the last character zero). */
  private static byte[] decode(String sig) {
    if (sig != null && BASE64URL.matcher(sig).matches()) {
      byte[] bytes = Base64.getUrlDecoder().decode(sig);
      if (Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(sig)) {
        return bytes;
      }
    }
    throw new GatewayException(ErrorCode.BAD_SIGNATURE,
        "malformed signature: expected " + SIGNATURE_BYTES + " bytes in base64url without padding");
  }

  /**
   * The signing input's text: the RFC 8785 form of {@code {"channel":channel,"data":data,"ts":ts}}.
   *
   * @throws IllegalArgumentException when {@code data} is not I-JSON
   */
  public static String canonical(String channel, String data, long ts) {
    StringBuilder out = new StringBuilder(data.length() + channel.length() + 40).append("{\"channel\":");
    Jcs.string(channel, out);
    return out.append(",\"data\":").append(Jcs.canonicalize(data)).append(",\"ts\":").append(Jcs.number(ts))
        .append('}').toString();
  }

  /**
   * Signs a message as a publisher does (tests, the benchmark, Java publishers).
   *
   * @param key an Ed25519 or EC P-256 private key
   * @return the signature, base64url without padding
   */
  public static String sign(PrivateKey key, String channel, String data, long ts) {
    try {
      java.security.Signature signer = java.security.Signature.getInstance(KeyAlgorithm.of(key).jdkSignature());
      signer.initSign(key);
      signer.update(canonical(channel, data, ts).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
    }
  }

  /**
   * How long a signed message is accepted after it is first seen: its {@code ts} may be up to the skew ahead of
   * the clock, and is accepted until the skew behind it. An exact replay within this is a duplicate.
   */
  public int replayWindowSeconds() {
    return (int) Math.max(1, 2 * skewMs / 1000);
  }
}
