package stream.terminal.lastmile.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class IndicatorTest {
  @Test
  void movingAverageStartsOnceItsWindowIsFull() {
    Indicator indicator = new Indicator(3, 2);
    assertNull(indicator.next(1).sma());
    assertNull(indicator.next(2).sma());
    assertEquals(2.0, indicator.next(3).sma(), 1e-9);
    assertEquals(3.0, indicator.next(4).sma(), 1e-9);
  }

  @Test
  void rsiIsHundredWhenPricesOnlyRiseAndZeroWhenTheyOnlyFall() {
    Indicator up = new Indicator(1, 3);
    for (int i = 0; i < 3; i++) {
      assertNull(up.next(10 + i).rsi());
    }
    assertEquals(100.0, up.next(13).rsi(), 1e-9);
    Indicator down = new Indicator(1, 3);
    for (int i = 0; i < 3; i++) {
      down.next(10 - i);
    }
    assertEquals(0.0, down.next(7).rsi(), 1e-9);
  }

  @Test
  void rsiFollowsWildersSmoothing() {
    Indicator indicator = new Indicator(1, 2);
    indicator.next(10);
    indicator.next(12);                          // gain 2
    assertEquals(50.0, indicator.next(10).rsi(), 1e-9);      // loss 2: averages 1 and 1
    // gain 3: average gain (1 * 1 + 3) / 2 = 2, average loss (1 * 1 + 0) / 2 = 0.5, RS 4
    assertEquals(80.0, indicator.next(13).rsi(), 1e-9);
  }
}
