package stream.terminal.lastmile.config;

/**
 * What the connections from one client address may cost a listener per second, all of them together on every
 * event loop (0 = no budget). Each budget holds two seconds of its rate, so a page load or a reconnect goes
 * through at once.
 *
 * @param newConnections TCP connections accepted per second; more are closed at accept
 * @param frames WebSocket frames read per second, control frames included
 * @param readBytes bytes read per second, before any decoding (TLS records, HTTP requests, frames)
 * @param replyBytes bytes of history pages and replayed backlog written per second
 */
public record PerIpRates(int newConnections, int frames, int readBytes, int replyBytes) {
  public static final PerIpRates NONE = new PerIpRates(0, 0, 0, 0);

  /** True when reading from an address may have to wait for its budget. */
  public boolean throttlesReading() {
    return frames > 0 || readBytes > 0 || replyBytes > 0;
  }

  public boolean any() {
    return newConnections > 0 || throttlesReading();
  }
}
