package stream.terminal.lastmile.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Position;

/** The group commit: one store in flight, publishes queued meanwhile go in the next batch, in publish order. */
class AppenderTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void publishesAreStoredInBatchesOneAtATimeAndNumberedInPublishOrder() {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    AtomicLong last = new AtomicLong();
    List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    Appender appender = Appender.of("c", 10, batch -> {
      mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      batchSizes.add(batch.size());
      Promise<Position> stored = Promise.promise();
      // the store answers later, from a timer, as Hazelcast would
      vertx.setTimer(5, id -> {
        inFlight.decrementAndGet();
        stored.complete(new Position("e", last.addAndGet(batch.size())));
      });
      return stored.future();
    });
    Context publisher = vertx.getOrCreateContext();
    Promise<List<ChannelMessage>> all = Promise.promise();
    publisher.runOnContext(v -> {
      List<Future<ChannelMessage>> acks = new ArrayList<>();
      for (int n = 0; n < 35; n++) {
        acks.add(appender.append(n, String.valueOf(n), null, null, publisher));
      }
      Future.all(acks).onComplete(done -> all.complete(acks.stream().map(Future::result).toList()));
    });
    List<ChannelMessage> messages = all.future().await();
    for (int n = 0; n < 35; n++) {
      assertEquals(n + 1, messages.get(n).offset(), "publish " + n);
      assertEquals(String.valueOf(n), messages.get(n).data());
    }
    assertEquals(1, mostInFlight.get(), "one store in flight at a time");
    assertEquals(List.of(1, 10, 10, 10, 4), batchSizes, "the first alone, then what queued, at most 10 a batch");
    assertTrue(batchSizes.stream().allMatch(size -> size <= 10));
  }

  @Test
  void aFailedBatchFailsItsPublishesAndTheNextOnesGoOn() {
    AtomicInteger calls = new AtomicInteger();
    Appender appender = Appender.of("c", 10, batch -> calls.incrementAndGet() == 1
        ? Future.failedFuture(new IllegalStateException("member left"))
        : Future.succeededFuture(new Position("e", batch.size())));
    Context context = vertx.getOrCreateContext();
    Promise<Boolean> firstFailed = Promise.promise();
    Promise<Long> secondOffset = Promise.promise();
    context.runOnContext(v -> {
      appender.append(1, "1", null, null, context).onComplete(ar -> firstFailed.complete(ar.failed()));
      appender.append(2, "2", null, null, context).onComplete(ar -> secondOffset.complete(ar.result().offset()));
    });
    assertTrue(firstFailed.future().await());
    assertEquals(1, secondOffset.future().await());
  }
}
