package stream.terminal.lastmile.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.config.PublishRate;

class PublishRatesTest {
  private final TestKeys.MutableClock clock = new TestKeys.MutableClock(1_000_000);
  private final PublishRates rates = new PublishRates(TestKeys.identity(List.of(
      TestKeys.apiKey("slow", "lmk_slow", new PublishRate(10, 5), "*"),
      TestKeys.apiKey("free", "lmk_free", PublishRate.UNLIMITED, "*")), List.of()), clock);

  private static Identity key(String id) {
    return new Identity(Identity.Kind.API_KEY, id, Set.of(), TestKeys.patterns("*"), 0);
  }

  @Test
  void aKeyGetsItsBurstThenItsRate() {
    for (int i = 0; i < 5; i++) {
      assertTrue(rates.tryPublish(key("slow")), "publish " + i);
    }
    assertFalse(rates.tryPublish(key("slow")));
    clock.advance(99);
    assertFalse(rates.tryPublish(key("slow")));
    clock.advance(1);
    assertTrue(rates.tryPublish(key("slow")));
    assertFalse(rates.tryPublish(key("slow")));
    clock.advance(10_000);
    int taken = 0;
    while (rates.tryPublish(key("slow"))) {
      taken++;
    }
    assertEquals(5, taken, "the bucket never holds more than its burst");
  }

  @Test
  void otherIdentitiesAndUnlimitedKeysAreNeverRefused() {
    for (int i = 0; i < 1000; i++) {
      assertTrue(rates.tryPublish(key("free")));
      assertTrue(rates.tryPublish(Identity.ANONYMOUS));
      assertTrue(rates.tryPublish(new Identity(Identity.Kind.USER, "slow", Set.of(), List.of(), 0)));
    }
  }

  @Test
  void allThreadsShareOneBucket() throws Exception {
    AtomicInteger granted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        runs.add(pool.submit(() -> {
          for (int i = 0; i < 1000; i++) {
            if (rates.tryPublish(key("slow"))) {
              granted.incrementAndGet();
            }
          }
        }));
      }
      for (Future<?> run : runs) {
        run.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(5, granted.get());
  }
}
