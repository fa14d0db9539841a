package stream.terminal.lastmile.demo;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A simple moving average and Wilder's relative strength index over a stream of prices, as a chart shows under
 * a price: the average of the last {@code smaPeriod} prices, and 100 - 100 / (1 + average gain / average loss)
 * with both averages smoothed over {@code rsiPeriod} changes. Each is null until it has seen enough prices.
 */
final class Indicator {
  private final int smaPeriod;
  private final int rsiPeriod;
  private final Deque<Double> window = new ArrayDeque<>();
  private double windowSum;
  private Double previous;
  private int changes;
  private double averageGain;
  private double averageLoss;

  /** One step: the price and the indicators with it. */
  record Point(double price, Double sma, Double rsi) {}

  Indicator(int smaPeriod, int rsiPeriod) {
    if (smaPeriod < 1 || rsiPeriod < 1) {
      throw new IllegalArgumentException("periods must be at least 1");
    }
    this.smaPeriod = smaPeriod;
    this.rsiPeriod = rsiPeriod;
  }

  Point next(double price) {
    window.addLast(price);
    windowSum += price;
    if (window.size() > smaPeriod) {
      windowSum -= window.removeFirst();
    }
    Double sma = window.size() == smaPeriod ? windowSum / smaPeriod : null;
    Double rsi = null;
    if (previous != null) {
      double change = price - previous;
      double gain = Math.max(change, 0);
      double loss = Math.max(-change, 0);
      changes++;
      if (changes <= rsiPeriod) {
        // the first averages are plain means of the first rsiPeriod changes
        averageGain += (gain - averageGain) / changes;
        averageLoss += (loss - averageLoss) / changes;
      } else {
        averageGain = (averageGain * (rsiPeriod - 1) + gain) / rsiPeriod;
        averageLoss = (averageLoss * (rsiPeriod - 1) + loss) / rsiPeriod;
      }
      if (changes >= rsiPeriod) {
        rsi = averageLoss == 0 ? (averageGain == 0 ? 50.0 : 100.0) : 100 - 100 / (1 + averageGain / averageLoss);
      }
    }
    previous = price;
    return new Point(price, sma, rsi);
  }
}
