package stream.terminal.lastmile.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one measured round of one variant (a rate, latency percentiles and server CPU per operation), and
 * their medians over rounds: each figure's median is taken on its own, so the median round of the rate need not be
 * the median round of the latency.
 */
public record Figures(double perSecond, long p50Micros, long p99Micros, double cpuMicrosPerOp) {

  /** Each figure's median over {@code rounds}; an even count takes the mean of the middle two. */
  public static Figures medians(Collection<Figures> rounds) {
    if (rounds.isEmpty()) {
      throw new IllegalArgumentException("no rounds to take a median of");
    }
    return new Figures(
        median(rounds.stream().map(Figures::perSecond).toList()),
        Math.round(median(rounds.stream().map(f -> (double) f.p50Micros()).toList())),
        Math.round(median(rounds.stream().map(f -> (double) f.p99Micros()).toList())),
        median(rounds.stream().map(Figures::cpuMicrosPerOp).toList()));
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** The rounds of each variant, the variants in a fixed order whatever order the rounds run them in. */
  public static final class ByVariant {
    private final Map<String, List<Figures>> rounds = new LinkedHashMap<>();

    public ByVariant(Collection<String> variants) {
      variants.forEach(v -> rounds.put(v, new ArrayList<>()));
    }

    public void add(String variant, Figures figures) {
      List<Figures> of = rounds.get(variant);
      if (of == null) {
        throw new IllegalArgumentException("not a variant: " + variant);
      }
      of.add(figures);
    }

    public Map<String, Figures> medians() {
      Map<String, Figures> medians = new LinkedHashMap<>();
      rounds.forEach((variant, figures) -> medians.put(variant, Figures.medians(figures)));
      return medians;
    }
  }
}
