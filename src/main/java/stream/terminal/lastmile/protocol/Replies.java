package stream.terminal.lastmile.protocol;

import io.vertx.core.json.JsonObject;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Published;

/**
 * The result shapes every surface shares (WebSocket and SSE replies, the HTTP API's bodies), built in one
 * place so that a client reads a position the same way whichever way it asked.
 */
public final class Replies {
  private Replies() {}

  /** {@code {channel, epoch, offset}}: where a channel stands, or where a published message was stored. */
  public static JsonObject position(String channel, String epoch, long offset) {
    return new JsonObject().put("channel", channel).put("epoch", epoch).put("offset", offset);
  }

  /** The position a published message was stored at. */
  public static JsonObject stored(ChannelMessage message) {
    return position(message.channel(), message.epoch(), message.offset());
  }

  /** Where a publish's message is: {@code duplicate: true} added when an earlier publish with its key stored it. */
  public static JsonObject published(Published published) {
    JsonObject reply = stored(published.message());
    return published.duplicate() ? reply.put("duplicate", true) : reply;
  }

  /** {@code {channel, epoch}}: a channel just created. */
  public static JsonObject created(String channel, String epoch) {
    return new JsonObject().put("channel", channel).put("epoch", epoch);
  }
}
