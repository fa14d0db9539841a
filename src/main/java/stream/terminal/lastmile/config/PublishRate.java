package stream.terminal.lastmile.config;

/**
 * A publisher key's own rate, per node, all its connections together.
 *
 * @param perSecond publishes per second refilled; 0 = unlimited
 * @param burst the bucket's size
 */
public record PublishRate(int perSecond, int burst) {
  public static final PublishRate UNLIMITED = new PublishRate(0, 0);

  public boolean unlimited() {
    return perSecond == 0;
  }
}
