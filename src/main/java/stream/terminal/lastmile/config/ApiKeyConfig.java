package stream.terminal.lastmile.config;

import java.util.HexFormat;
import java.util.List;
import stream.terminal.lastmile.core.ChannelPattern;

/**
 * {@code identity.api_keys[]}: a publisher's key, stored only as its SHA-256.
 *
 * @param id the key's name ({@code [A-Za-z0-9._-]{1,64}}), the identity's subject
 * @param sha256Hex the SHA-256 of the key, 64 lower-case hex digits
 * @param channels the patterns the key may create and publish on
 * @param rate its publish rate, per node
 */
public record ApiKeyConfig(String id, String sha256Hex, List<ChannelPattern> channels, PublishRate rate) {
  public ApiKeyConfig {
    channels = List.copyOf(channels);
  }

  public byte[] sha256() {
    return HexFormat.of().parseHex(sha256Hex);
  }
}
