package stream.terminal.lastmile.sse;

import io.vertx.core.MultiMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import stream.terminal.lastmile.core.ChannelNames;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.Position;

/**
 * What a {@code GET /sse} asks for: its channels, in order, each with the position to resume after (or null to
 * start at the present). The position comes from the last event id ({@code Last-Event-ID}, or the
 * {@code last_event_id} parameter of a client that manages its own reconnects), else from {@code since}.
 */
record SseRequest(Map<String, Position> channels) {
  /**
   * The most channels one stream carries: its position token, about 160 bytes per channel at worst, must fit the
   * 8 KiB request head when a browser sends it back as {@code Last-Event-ID}.
   */
  static final int MAX_CHANNELS = 32;

  /**
   * @param maxChannels the listener's {@code max_subscriptions}, or {@link #MAX_CHANNELS} if lower
   * @throws GatewayException {@code bad_request} for a malformed request, {@code limit_exceeded} for too many
   *     channels
   */
  static SseRequest parse(MultiMap params, String lastEventIdHeader, int maxChannels) {
    List<String> names = params.getAll("channel");
    if (names.isEmpty()) {
      throw new GatewayException(ErrorCode.BAD_REQUEST, "name at least one channel: /sse?channel=NAME");
    }
    if (names.size() > maxChannels) {
      throw new GatewayException(ErrorCode.LIMIT_EXCEEDED, "at most " + maxChannels + " channels per stream");
    }
    String since = params.get("since");
    if (since != null && names.size() != 1) {
      throw new GatewayException(ErrorCode.BAD_REQUEST, "'since' needs exactly one channel; use the last event id");
    }
    Position sinceAt = since == null ? null : PositionToken.since(since);
    String token = lastEventIdHeader != null && !lastEventIdHeader.isEmpty()
        ? lastEventIdHeader : params.get("last_event_id");
    Map<String, Position> resume = token == null || token.isEmpty()
        ? Map.of() : PositionToken.parse(token, MAX_CHANNELS);
    Map<String, Position> channels = new LinkedHashMap<>();
    for (String name : names) {
      String channel = ChannelNames.require(name);
      if (channels.containsKey(channel)) {
        throw new GatewayException(ErrorCode.BAD_REQUEST, "channel '" + channel + "' is named twice");
      }
      // a reconnect's last event id is later than the since the stream was first opened with
      channels.put(channel, resume.getOrDefault(channel, sinceAt));
    }
    return new SseRequest(channels);
  }
}
