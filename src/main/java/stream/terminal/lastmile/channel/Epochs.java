package stream.terminal.lastmile.channel;

import java.security.SecureRandom;

/** New epochs: random, so a channel recreated after its history was lost never reuses an old epoch. */
public final class Epochs {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  private Epochs() {}

  public static String next() {
    char[] epoch = new char[12];
    for (int i = 0; i < epoch.length; i++) {
      epoch[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(epoch);
  }
}
