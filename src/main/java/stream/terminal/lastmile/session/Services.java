package stream.terminal.lastmile.session;

import stream.terminal.lastmile.channel.ChannelRegistry;
import stream.terminal.lastmile.channel.Publisher;
import stream.terminal.lastmile.hub.LocalFanout;
import stream.terminal.lastmile.identity.IdentityServices;
import stream.terminal.lastmile.metrics.GatewayMetrics;

/**
 * What a session needs from its node and its event loop.
 *
 * @param directory the node's sessions addressable by id (SSE token refreshes)
 * @param historyMaxPage the most messages one history reply or one replay read carries
 */
public record Services(
    ChannelRegistry registry,
    Publisher publisher,
    LocalFanout fanout,
    GatewayMetrics metrics,
    IdentityServices identity,
    SessionDirectory directory,
    int historyMaxPage) {}
