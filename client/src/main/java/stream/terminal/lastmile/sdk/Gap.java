package stream.terminal.lastmile.sdk;

/**
 * Messages a subscription could not recover on a resume. {@code lastEpoch}/{@code lastOffset}: where the
 * subscription was; {@code epoch}: the channel's epoch now; {@code resumesAt}: the first offset delivered next.
 * {@link #epochChanged()} means the channel's history was lost (docs/protocol.md 2.6): reload what was derived
 * from the old epoch.
 */
public record Gap(String channel, String lastEpoch, long lastOffset, String epoch, long resumesAt) {
  public boolean epochChanged() {
    return !lastEpoch.equals(epoch);
  }
}
