package stream.terminal.lastmile.protocol;

/** The wire dialects a connection can speak; fixed by its first command. */
public enum Dialect {
  NATIVE,
  LEGACY
}
