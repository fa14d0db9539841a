package stream.terminal.lastmile.identity;

import stream.terminal.lastmile.core.Signature;

/** TEMPORARY stand-in for H1's class (same signature), replaced at merge. */
public final class MessageSignatures {
  public void verify(String channel, String data, long ts, Signature signature) {}
}
