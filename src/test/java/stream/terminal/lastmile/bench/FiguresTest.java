package stream.terminal.lastmile.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FiguresTest {
  @Test
  void eachFigureTakesItsOwnMedian() {
    Figures median = Figures.medians(List.of(
        new Figures(900, 80, 400, 120),
        new Figures(1100, 60, 900, 100),
        new Figures(1000, 70, 500, 140)));
    assertEquals(new Figures(1000, 70, 500, 120), median);
  }

  @Test
  void anEvenCountTakesTheMeanOfTheMiddleTwo() {
    assertEquals(2.5, Figures.median(List.of(4.0, 1.0, 3.0, 2.0)));
    assertEquals(new Figures(15, 2, 3, 1.5),
        Figures.medians(List.of(new Figures(10, 1, 2, 1), new Figures(20, 2, 3, 2))));
  }

  @Test
  void noRoundsIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> Figures.medians(List.of()));
  }

  @Test
  void variantsKeepTheirGivenOrder() {
    Figures.ByVariant byVariant = new Figures.ByVariant(List.of("unsigned", "signed"));
    byVariant.add("signed", new Figures(1, 1, 1, 1));
    byVariant.add("unsigned", new Figures(2, 2, 2, 2));
    byVariant.add("signed", new Figures(3, 3, 3, 3));
    Map<String, Figures> medians = byVariant.medians();
    assertEquals(List.of("unsigned", "signed"), List.copyOf(medians.keySet()));
    assertEquals(new Figures(2, 2, 2, 2), medians.get("signed"));
    assertThrows(IllegalArgumentException.class, () -> byVariant.add("other", new Figures(1, 1, 1, 1)));
  }
}
