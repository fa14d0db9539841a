package stream.terminal.lastmile.core;

/** The wire dialects a connection can speak; fixed by its first frame that has the shape of one. */
public enum Dialect {
  NATIVE,
  LEGACY
}
