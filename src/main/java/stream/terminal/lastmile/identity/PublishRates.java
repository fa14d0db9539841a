package stream.terminal.lastmile.identity;

/** TEMPORARY stand-in for H1's class (same signature), replaced at merge. */
public final class PublishRates {
  public boolean tryPublish(Identity identity) {
    return true;
  }
}
