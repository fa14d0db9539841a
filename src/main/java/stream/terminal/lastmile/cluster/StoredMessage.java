package stream.terminal.lastmile.cluster;

import java.io.Serializable;

/** A message as a channel's ringbuffer keeps it: its offset is its position in the ringbuffer, plus one. */
record StoredMessage(long ts, String data) implements Serializable {}
