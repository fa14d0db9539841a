package stream.terminal.lastmile.channel;

import io.vertx.core.Future;
import java.util.List;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.BacklogPage;
import stream.terminal.lastmile.core.IdempotencyKey;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Published;
import stream.terminal.lastmile.core.Signature;

/**
 * Which channels exist, their epochs, offsets and backlogs. The one place channel state lives, so a cluster-wide
 * implementation can replace the local one without touching the protocol code. Futures complete on the calling
 * context.
 */
public interface ChannelRegistry {
  /** Fails with {@code channel_exists} when the name is taken. */
  Future<Channel> create(String name);

  /** Fails with {@code channel_not_found}. */
  Future<ChannelInfo> get(String name);

  /**
   * Gives a message the channel's next offset and stores it in the channel's backlog (when its policy keeps one);
   * completes once it is stored, so an acknowledged message survives what the backlog survives. Fails with
   * {@code channel_not_found}.
   *
   * @param signature the publisher's signature, kept and forwarded with the message; null when unsigned
   * @param proto the Protobuf form {@code data} was mapped from, kept and forwarded with the message; null for a
   *     JSON publish
   */
  Future<ChannelMessage> append(String name, long ts, String data, Signature signature, ProtoPayload proto);

  /**
   * As {@link #append}, once per key: a key seen on the channel within its window is answered with the position
   * it was stored at ({@code duplicate}) and nothing is stored. Of two racing publishes with one key, on any nodes,
   * exactly one stores; the other waits for it (bounded) or fails with {@code unavailable}, stored unknown.
   */
  Future<Published> appendOnce(String name, IdempotencyKey key, long ts, String data, Signature signature,
      ProtoPayload proto);

  /** Stored messages with offsets from {@code from}, at most {@code limit}. Fails with {@code channel_not_found}. */
  Future<BacklogPage> read(String name, long from, int limit);

  Future<List<ChannelInfo>> list();
}
