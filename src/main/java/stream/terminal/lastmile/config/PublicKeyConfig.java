package stream.terminal.lastmile.config;

import java.security.PublicKey;
import java.util.List;
import stream.terminal.lastmile.core.ChannelPattern;

/**
 * {@code identity.public_keys[]}: a whitelisted publisher key. It proves possession with a JWT it signs, and signs
 * messages end to end.
 *
 * @param id the key's name, the JWT's and the messages' {@code kid}
 * @param key the parsed key, Ed25519 or EC P-256
 * @param algorithm what {@code key} is
 * @param channels the patterns the key may create, publish and sign on
 * @param rate its publish rate, per node
 */
public record PublicKeyConfig(
    String id, PublicKey key, KeyAlgorithm algorithm, List<ChannelPattern> channels, PublishRate rate) {
  public PublicKeyConfig {
    channels = List.copyOf(channels);
  }
}
