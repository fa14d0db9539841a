package stream.terminal.lastmile.session;

import io.vertx.core.json.JsonObject;
import stream.terminal.lastmile.core.Position;

/**
 * A subscription made: the reply's result ({@code channel}, {@code epoch}, {@code offset}, and after a resume
 * {@code recovered} and {@code first_available}), the position the client holds in the channel now, and the
 * catch-up (replay, then the live messages held meanwhile) to start once the reply is written.
 */
public record Subscribed(String channel, JsonObject result, Position position, Runnable catchUp) {}
