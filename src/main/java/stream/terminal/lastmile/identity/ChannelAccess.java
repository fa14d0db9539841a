package stream.terminal.lastmile.identity;

/** TEMPORARY stand-in for H1's class (same signatures), replaced at merge. */
public final class ChannelAccess {
  public void requireSubscribe(Identity identity, String channel) {}

  public boolean historyAllowed(String channel) {
    return true;
  }

  public void requireCreate(Identity identity, String channel) {}

  public void requirePublish(Identity identity, String channel, boolean signed) {}

  public int maxSubscribers(String channel) {
    return 0;
  }
}
