package stream.terminal.lastmile.config;

/**
 * {@code identity.signatures}: how signed messages are checked.
 *
 * @param maxSkewSeconds a signed message's {@code ts} must be within this of the node's clock
 */
public record SignaturesConfig(int maxSkewSeconds) {
  public static final SignaturesConfig DEFAULTS = new SignaturesConfig(300);
}
