package stream.terminal.lastmile.session;

import io.vertx.core.Future;
import stream.terminal.lastmile.config.Permission;
import stream.terminal.lastmile.core.BacklogPage;
import stream.terminal.lastmile.core.ChannelNames;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.protocol.Command;

/**
 * The {@code history} command: one page of a channel's backlog, cut to the address's reply budget and charged
 * to it, so a burst of history requests costs the budget rather than a full page each.
 */
final class HistoryReads {
  private final ClientSession session;

  HistoryReads(ClientSession session) {
    this.session = session;
  }

  /** The reply frame, in the session's dialect. */
  Future<String> read(Command.History h) {
    session.require(Permission.SUBSCRIBE);
    String channel = ChannelNames.require(h.channel());
    Services services = session.services();
    services.identity().access().requireSubscribe(session.identity(), channel);
    if (!services.identity().access().historyAllowed(channel)) {
      throw new GatewayException(ErrorCode.PERMISSION_DENIED, "channel '" + channel + "' allows no history");
    }
    int max = services.historyMaxPage();
    int limit = h.limit() == null ? max : Math.min(h.limit(), max);
    Future<BacklogPage> page = services.registry().read(channel, h.since() == null ? 0 : h.since().offset() + 1, limit);
    if (h.since() != null) {
      // offsets of another epoch mean nothing in this one: the whole stored history is what the client lacks
      page = page.compose(p -> p.epoch().equals(h.since().epoch()) ? Future.succeededFuture(p)
          : services.registry().read(channel, 0, limit));
    }
    return page.map(p -> {
      String reply = session.codec().history(h, p.limitBytes(session.replyBound()));
      session.budget().chargeReply(reply.length());
      return reply;
    });
  }
}
