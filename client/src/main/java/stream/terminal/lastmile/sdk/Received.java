package stream.terminal.lastmile.sdk;

/**
 * A message of a channel: its position, its time ({@code ts}, ms since the epoch), its data as compact JSON text,
 * and for a signed message its key id and signature (else null).
 */
public record Received(String channel, String epoch, long offset, long ts, String json, String kid, String sig) {}
