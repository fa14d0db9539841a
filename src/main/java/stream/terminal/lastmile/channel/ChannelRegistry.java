package stream.terminal.lastmile.channel;

import io.vertx.core.Future;
import java.util.List;
import stream.terminal.lastmile.protocol.Position;

/**
 * Which channels exist, their epochs and their offset sequences. The one place channel state lives, so a
 * cluster-wide implementation can replace the local one without touching the protocol code.
 */
public interface ChannelRegistry {
  /** Fails with {@code channel_exists} when the name is taken. */
  Future<Channel> create(String name);

  /** Fails with {@code channel_not_found}. */
  Future<ChannelInfo> get(String name);

  /** Reserves the next offset of a channel; fails with {@code channel_not_found}. */
  Future<Position> next(String name);

  Future<List<ChannelInfo>> list();
}
