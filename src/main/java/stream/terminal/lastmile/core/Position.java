package stream.terminal.lastmile.core;

/** A place in a channel's history: the epoch names the history, the offset counts messages in it from 1. */
public record Position(String epoch, long offset) {}
