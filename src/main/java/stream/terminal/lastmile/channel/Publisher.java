package stream.terminal.lastmile.channel;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import stream.terminal.lastmile.bus.Addresses;
import stream.terminal.lastmile.config.ChannelPolicies;
import stream.terminal.lastmile.metrics.GatewayMetrics;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.ChannelNames;
import stream.terminal.lastmile.core.IdempotencyKey;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Published;
import stream.terminal.lastmile.core.Signature;
import stream.terminal.lastmile.core.Signed;
import stream.terminal.lastmile.identity.MessageSignatures;
import stream.terminal.lastmile.protobuf.ProtoTypes;

/** Creates channels and publishes to them: the ingest side's only way onto the event bus. */
public final class Publisher {
  private final ChannelRegistry registry;
  private final ChannelPolicies policies;
  private final MessageSignatures signatures;
  private final ProtoTypes protoTypes;
  private final EventBus bus;
  private final GatewayMetrics metrics;

  /** @param protoTypes the Protobuf types whose payloads are mapped to JSON; {@link ProtoTypes#NONE} refuses them all */
  public Publisher(ChannelRegistry registry, ChannelPolicies policies, MessageSignatures signatures,
      ProtoTypes protoTypes, EventBus bus, GatewayMetrics metrics) {
    this.registry = registry;
    this.policies = policies;
    this.signatures = signatures;
    this.protoTypes = protoTypes;
    this.bus = bus;
    this.metrics = metrics;
  }

  public Future<Channel> create(String name) {
    return registry.create(ChannelNames.require(name));
  }

  /** Publishes on its own: for requests that need no order with any other. */
  public Future<Published> publish(String channel, String data, Signed signed, String key) {
    return publish(channel, data, signed, key, Future.succeededFuture());
  }

  /**
   * Stores the message in the channel's backlog, which gives it its offset, then puts it on the bus once
   * {@code after} (the connection's previous publish) is done; completes, and so acknowledges, only then. The
   * store starts at once, so a connection's publishes are pipelined to a clustered registry instead of waiting a
   * round trip each, yet reach the bus in the order they were sent.
   *
   * <p>No lock spans publishes: two event loops publishing to one channel may put its messages on the bus out of
   * offset order, as two ingest nodes of a cluster do. Each node's hub puts them back in order ({@code
   * Sequencer}), so subscribers see offset order all the same. A node-wide lock here made every publish of the
   * node wait for any other one's registry call (a Hazelcast proxy lookup, a channel created on first publish).
   *
   * <p>Every publish path (the WebSocket command, the HTTP API, gRPC) comes through here before anything is
   * stored: the one place for what every publish must pass. A signature is verified here, and a bad one stores
   * nothing. A signed message keeps its publisher's timestamp (it is part of what was signed); an unsigned one
   * gets this node's clock.
   *
   * <p>Exactly once: a publish with an idempotency key goes to {@link ChannelRegistry#appendOnce}, which answers a
   * key seen within the channel's {@code idempotency_window_seconds} with the first publish's position; such a
   * duplicate is acknowledged ({@link Published#duplicate()}) and not delivered again. A signed message without a
   * key gets its signature's ({@link IdempotencyKey#ofSignature}), remembered for as long as the signature is
   * accepted, so an exact replay is a duplicate too. A publish without either takes the plain path, as fast as
   * before keys existed.
   *
   * @param data the payload as compact JSON text
   * @param signed the publisher's timestamp and signature, or null for an unsigned message
   * @param key the publisher's idempotency key, checked ({@link IdempotencyKey#require}), or null
   */
  public Future<Published> publish(String channel, String data, Signed signed, String key, Future<?> after) {
    return publish(channel, data, signed, null, key, after);
  }

  /**
   * Publishes a Protobuf payload (a {@code google.protobuf.Any}'s type URL and bytes), as {@link #publish(String,
   * String, Signed, String, Future)} does JSON: the message's {@code data} is its proto3 JSON mapping, and the
   * payload travels and is stored with it for subscribers that want the binary form. A type in none of the node's
   * descriptor sets fails with {@code unknown_type}, bytes that do not parse as the type with {@code bad_request};
   * nothing is stored then. Protobuf payloads are not signed (a signature covers JSON data).
   *
   * @param key the publisher's idempotency key, or null
   * @param after the connection's previous publish, or a succeeded future
   */
  public Future<Published> publish(String channel, ProtoPayload proto, String key, Future<?> after) {
    String data;
    try {
      ChannelNames.require(channel);
      data = protoTypes.toJson(proto);
    } catch (GatewayException e) {
      return after.transform(previous -> Future.failedFuture(e));
    }
    return publish(channel, data, null, proto, key, after);
  }

  private Future<Published> publish(
      String channel, String data, Signed signed, ProtoPayload proto, String key, Future<?> after) {
    ChannelNames.require(channel);
    if (signed != null) {
      try {
        signatures.verify(channel, data, signed.ts(), signed.signature());
      } catch (GatewayException e) {
        // nothing stored; the connection's next publish still waits for the one before this
        return after.transform(previous -> Future.failedFuture(e));
      }
    }
    IdempotencyKey once = key != null
        ? new IdempotencyKey(key, policies.forChannel(channel).idempotencyWindowSeconds())
        : signed != null ? IdempotencyKey.ofSignature(signed.signature(), signatures.replayWindowSeconds()) : null;
    long ts = signed == null ? System.currentTimeMillis() : signed.ts();
    Signature signature = signed == null ? null : signed.signature();
    Future<Published> stored = once == null
        ? append(channel, ts, data, signature, proto, (c, t, d, s, p) -> registry.append(c, t, d, s, p)
            .map(Published::stored))
        : append(channel, ts, data, signature, proto, (c, t, d, s, p) -> registry.appendOnce(c, once, t, d, s, p));
    return after.transform(previous -> stored).map(published -> {
      if (!published.duplicate()) {
        bus.publish(Addresses.channel(channel), published.message());
        metrics.published();
      }
      return published;
    });
  }

  /** One of the registry's two appends. */
  @FunctionalInterface
  private interface Append {
    Future<Published> apply(String channel, long ts, String data, Signature signature, ProtoPayload proto);
  }

  /** Appends; a channel whose policy allows it is created by its first publish. */
  private Future<Published> append(String channel, long ts, String data, Signature signature,
      ProtoPayload proto, Append append) {
    Future<Published> stored = append.apply(channel, ts, data, signature, proto);
    if (!policies.forChannel(channel).createOnPublish()) {
      return stored;
    }
    return stored.recover(e -> GatewayException.of(e).code() != ErrorCode.CHANNEL_NOT_FOUND
        ? Future.failedFuture(e)
        : registry.create(channel)
            .recover(c -> GatewayException.of(c).code() == ErrorCode.CHANNEL_EXISTS
                ? Future.succeededFuture() : Future.failedFuture(c))
            .compose(created -> append.apply(channel, ts, data, signature, proto)));
  }
}
