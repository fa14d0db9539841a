package stream.terminal.lastmile.hub;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import stream.terminal.lastmile.bus.Addresses;
import stream.terminal.lastmile.channel.ChannelRegistry;
import stream.terminal.lastmile.metrics.GatewayMetrics;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;

/**
 * The node's single event-bus consumer per channel. It consumes a channel's address only while some event loop
 * of the node has a subscriber to it, puts the channel's messages in offset order (filling holes from the
 * backlog), wraps each message once, and hands it to each interested {@link LocalFanout} on that fanout's own
 * event loop. All its state lives on its own context (it is deployed as a verticle to get one), so it needs no
 * lock.
 *
 * <p>A hole is seen when a later message arrives; a message that never arrives with none after it (stored, but
 * sent on the bus before the other nodes had learnt of this node's new consumer, or by an ingest node that died
 * in between) would wait for the next publish, however long. So, in a cluster, the hub also checks the stored
 * tail of every channel it consumes every {@code tailCheckMs}: a tail still ahead of what it released at the
 * next check is read from the backlog. Every stored message thus reaches the node's subscribers within about
 * {@code 2 x tailCheckMs} plus two round trips, even when nothing follows it.
 */
public final class SubscriptionHub extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(SubscriptionHub.class.getName());
  /** Offsets one tail check reads at most; the next check goes on from there. */
  private static final int MAX_TAIL_READ = 1000;
  /**
   * Registrations of a channel's consumer tried before a subscribe is refused. The cluster fails a registration
   * whose member left while it was stored rather than run it twice; a moment later the partition has a new owner.
   */
  private static final int REGISTER_ATTEMPTS = 4;
  private static final long REGISTER_BACKOFF_MS = 250;

  private final GatewayMetrics metrics;
  private final ChannelRegistry registry;
  private final long holeWaitMs;
  private final int maxWaiting;
  private final long tailCheckMs;
  private final Map<String, Interest> channels = new HashMap<>();
  /** The channels this node consumes, readable from any thread: the registry keeps them from idle eviction. */
  private final Set<String> consumed = ConcurrentHashMap.newKeySet();

  private static final class Interest {
    final String channel;
    final List<LocalFanout> fanouts = new ArrayList<>(2);
    /** Messages that arrive before the channel's position is known. */
    final List<ChannelMessage> beforeStart = new ArrayList<>();
    /** Messages of an epoch the sequencer does not have, held while the registry is asked whether it is real. */
    List<ChannelMessage> otherEpoch = new ArrayList<>();
    boolean epochCheck;
    MessageConsumer<ChannelMessage> consumer;
    Future<Void> registered;
    Sequencer sequencer;
    long holeTimer = -1;
    /** The stored tail the last check found ahead of what was released, or -1. */
    long tailAhead = -1;
    /** Whether a tail check of the channel is running. */
    boolean tailChecking;

    Interest(String channel) {
      this.channel = channel;
    }
  }

  /**
   * Deploy it (one instance per node) before any fanout asks it for a channel: deployment gives it its context.
   *
   * @param holeWaitMs how long a message waits for a missing earlier one before the hole is read from the backlog
   * @param maxWaiting how many messages of a channel may wait (behind a hole, for the channel's position, or
   *     for an epoch check) before more are dropped: bounds what a broken or hostile cluster member can make
   *     the node hold
   * @param tailCheckMs how often the stored tails of the consumed channels are compared with what arrived; 0 for
   *     never (the embedded node, whose bus cannot miss a message)
   */
  public SubscriptionHub(
      GatewayMetrics metrics, ChannelRegistry registry, long holeWaitMs, int maxWaiting, long tailCheckMs) {
    this.metrics = metrics;
    this.registry = registry;
    this.holeWaitMs = holeWaitMs;
    this.maxWaiting = maxWaiting;
    this.tailCheckMs = tailCheckMs;
    metrics.channelsConsumed(consumed);
  }

  @Override
  public Future<?> start() {
    if (tailCheckMs > 0) {
      vertx.setTimer(tailCheckMs, id -> checkTails());
    }
    return Future.succeededFuture();
  }

  /** Whether some subscriber of this node listens to the channel (safe from any thread). */
  public boolean consumes(String channel) {
    return consumed.contains(channel);
  }

  GatewayMetrics metrics() {
    return metrics;
  }

  /** A fanout for the calling verticle's context. */
  public LocalFanout fanout(Context owner) {
    return new LocalFanout(this, owner);
  }

  /**
   * Adds a fanout's interest in a channel. Completes (on the fanout's context) once the node's consumer is
   * registered cluster-wide and the channel's position read, so every later message is sure to arrive.
   */
  Future<Void> attach(String channel, LocalFanout fanout) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          Interest interest = channels.computeIfAbsent(channel, this::consume);
          interest.fanouts.add(fanout);
          interest.registered.onComplete(ar -> fanout.context().runOnContext(x -> done.handle(ar)));
        });
    return done.future();
  }

  void detach(String channel, LocalFanout fanout) {
    try {
      context.runOnContext(v -> forget(channel, fanout));
    } catch (RejectedExecutionException stopped) {
      // a connection's last cleanup can run while the stopping node's event loops shut down, after the hub's
      // own loop ended: there is nothing left to detach from
    }
  }

  private void forget(String channel, LocalFanout fanout) {
    Interest interest = channels.get(channel);
    if (interest == null) {
      return;
    }
    interest.fanouts.remove(fanout);
    if (interest.fanouts.isEmpty()) {
      channels.remove(channel);
      consumed.remove(channel);
      interest.consumer.unregister();
      vertx.cancelTimer(interest.holeTimer);
    }
  }

  private Interest consume(String channel) {
    Interest interest = new Interest(channel);
    consumed.add(channel);
    // the position is read after registration: every message after it reaches this consumer
    interest.registered = register(interest, 1)
        .compose(v -> registry.get(channel))
        .map(info -> {
          interest.sequencer = new Sequencer(info.channel().epoch(), info.lastOffset() + 1, maxWaiting,
              n -> metrics.busDropped("sequencer_full", n));
          interest.beforeStart.forEach(m -> receive(interest, m));
          interest.beforeStart.clear();
          return null;
        });
    return interest;
  }

  /** Registers the channel's consumer cluster-wide, again after a failure while the channel is still wanted. */
  private Future<Void> register(Interest interest, int attempt) {
    interest.consumer = vertx.eventBus()
        .consumer(Addresses.channel(interest.channel), message -> receive(interest, message.body()));
    return interest.consumer.completion().recover(failure -> {
      interest.consumer.unregister();
      if (attempt >= REGISTER_ATTEMPTS) {
        LOG.log(Level.WARNING, "channel {0}: consumer not registered: {1}", interest.channel, failure.toString());
        return Future.failedFuture(new GatewayException(ErrorCode.UNAVAILABLE,
            "the cluster did not register this node's interest in the channel; subscribe again"));
      }
      Promise<Void> retried = Promise.promise();
      vertx.setTimer(REGISTER_BACKOFF_MS << (attempt - 1), id -> {
        if (channels.get(interest.channel) != interest) {
          retried.fail(new GatewayException(ErrorCode.CANCELLED, "no subscriber left"));
        } else {
          register(interest, attempt + 1).onComplete(retried);
        }
      });
      return retried.future();
    });
  }

  private void receive(Interest interest, ChannelMessage message) {
    if (interest.sequencer == null) {
      hold(interest.beforeStart, message);
      return;
    }
    if (!message.epoch().equals(interest.sequencer.epoch())) {
      checkEpoch(interest, message);
      return;
    }
    release(interest, interest.sequencer.accept(message));
    awaitHole(interest);
  }

  /** Keeps a message that cannot be placed yet, while there is room; one that is real comes back from the backlog. */
  private void hold(List<ChannelMessage> waiting, ChannelMessage message) {
    if (waiting.size() >= maxWaiting) {
      metrics.busDropped("sequencer_full", 1);
      return;
    }
    waiting.add(message);
  }

  /**
   * A message of an epoch the sequencer does not have: the channel was re-created, or a member of the cluster
   * network put a made-up message on the channel's address. Only an epoch the registry confirms restarts the
   * sequencer; anything else is dropped, so a forged message cannot make the node discard the channel's real
   * messages. One registry lookup at a time per channel; what arrives meanwhile waits (bounded).
   */
  private void checkEpoch(Interest interest, ChannelMessage message) {
    hold(interest.otherEpoch, message);
    if (interest.epochCheck) {
      return;
    }
    interest.epochCheck = true;
    registry.get(interest.channel).onComplete(info -> {
      interest.epochCheck = false;
      List<ChannelMessage> held = interest.otherEpoch;
      interest.otherEpoch = new ArrayList<>();
      if (channels.get(interest.channel) != interest) {
        return;
      }
      Sequencer sequencer = interest.sequencer;
      String current = info.succeeded() ? info.result().channel().epoch() : sequencer.epoch();
      if (!current.equals(sequencer.epoch())) {
        // re-created: start at its first message that arrived, as a subscriber of the new epoch expects
        sequencer.restart(current, held.stream().filter(m -> m.epoch().equals(current))
            .mapToLong(ChannelMessage::offset).min().orElse(info.result().lastOffset() + 1));
      }
      long unknown = held.stream().filter(m -> !m.epoch().equals(current)).count();
      if (unknown > 0) {
        metrics.busDropped("unknown_epoch", unknown);
        LOG.log(Level.DEBUG, "channel {0}: dropped {1} message(s) of an epoch the registry does not know",
            interest.channel, unknown);
      }
      held.stream().filter(m -> m.epoch().equals(current)).forEach(m -> receive(interest, m));
    });
  }

  /** While messages wait behind a hole, arms one timer; when it fires the hole is read from the backlog. */
  private void awaitHole(Interest interest) {
    if (!interest.sequencer.waiting() || interest.holeTimer >= 0) {
      return;
    }
    interest.holeTimer = vertx.setTimer(holeWaitMs, id -> {
      interest.holeTimer = -1;
      Sequencer sequencer = interest.sequencer;
      if (!sequencer.waiting() || channels.get(interest.channel) != interest) {
        return;
      }
      long from = sequencer.next();
      registry.read(interest.channel, from, sequencer.holeSize())
          .onComplete(page -> {
            if (page.failed()) {
              // the backlog could not be read (a member leaving, say): try again rather than give the hole up
              LOG.log(Level.DEBUG, "channel {0}: reading offsets from {1} failed: {2}", interest.channel, from,
                  page.cause().toString());
              awaitHole(interest);
              return;
            }
            release(interest, sequencer.fill(page.result().messages()));
            if (page.result().epoch().equals(sequencer.epoch())) {
              int forged = sequencer.dropBeyond(page.result().lastOffset());
              if (forged > 0) {
                metrics.busDropped("unnumbered_offset", forged);
                LOG.log(Level.DEBUG, "channel {0}: dropped {1} message(s) with offsets past the channel''s last",
                    interest.channel, forged);
              }
            }
            if (sequencer.waiting() && sequencer.next() == from) {
              // not in the backlog (expired, or lost with its node): say so, and go on with what did arrive
              List<ChannelMessage> released = new ArrayList<>();
              long skipped = sequencer.skip(released);
              metrics.skipped(skipped);
              LOG.log(Level.WARNING, "channel {0}: offsets {1} to {2} are lost, delivery goes on after them",
                  interest.channel, from, from + skipped - 1);
              release(interest, released);
            }
            awaitHole(interest);
          });
    });
  }

  /**
   * One round of tail checks, a period after the last. A channel whose previous check has not ended is skipped:
   * a lookup can hang (a Hazelcast invocation in flight while the member merges waits out its timeout, minutes),
   * and waiting for the whole round would hold up every other channel's checks, and a resubscribe's new one.
   */
  private void checkTails() {
    for (Interest interest : channels.values()) {
      if (interest.sequencer != null && !interest.tailChecking) {
        interest.tailChecking = true;
        checkTail(interest).onComplete(ar -> interest.tailChecking = false);
      }
    }
    vertx.setTimer(tailCheckMs, id -> checkTails());
  }

  /**
   * Reads from the backlog what the previous check found stored but not yet released, if it still is not: a
   * message normally arrives within milliseconds of being stored, so one period's wait spares reading what is
   * on its way.
   */
  private Future<?> checkTail(Interest interest) {
    Sequencer sequencer = interest.sequencer;
    return registry.get(interest.channel).compose(info -> {
      long next = sequencer.next();
      long missedTo = interest.tailAhead;
      long last = info.lastOffset();
      boolean sameEpoch = info.channel().epoch().equals(sequencer.epoch());
      interest.tailAhead = sameEpoch && last >= next ? last : -1;
      if (channels.get(interest.channel) != interest || !sameEpoch || missedTo < next) {
        return Future.succeededFuture();
      }
      LOG.log(Level.DEBUG, "channel {0}: offsets {1} to {2} are stored but did not arrive, reading them", interest.channel,
          next, missedTo);
      return registry.read(interest.channel, next, (int) Math.min(missedTo - next + 1, MAX_TAIL_READ))
          .onSuccess(page -> {
            release(interest, sequencer.fill(page.messages()));
            awaitHole(interest);
          });
    }).otherwiseEmpty();
  }

  private static void release(Interest interest, List<ChannelMessage> messages) {
    for (ChannelMessage message : messages) {
      Outbound outbound = new Outbound(message);
      for (LocalFanout fanout : interest.fanouts) {
        fanout.context().runOnContext(v -> fanout.deliver(outbound));
      }
    }
  }
}
