package stream.terminal.lastmile.bench;

import java.util.Locale;
import java.util.OptionalDouble;

/** How the report writes a figure; a missing one is "n/a", never a zero that reads as a measurement. */
public final class Format {
  public static final String NA = "n/a";
  private static final double KIB_PER_MIB = 1024;
  private static final double KIB_PER_GIB = 1024 * 1024;

  private Format() {}

  /** A whole number with thousands separators. */
  public static String count(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }

  static String count(OptionalDouble value) {
    return value.isPresent() ? count(value.getAsDouble()) : NA;
  }

  static String fixed(OptionalDouble value, int decimals) {
    return value.isPresent() ? fixed(value.getAsDouble(), decimals) : NA;
  }

  /** Microseconds as milliseconds: the generator measures in µs, people read latency in ms. */
  static String ms(OptionalDouble micros) {
    return micros.isPresent() ? fixed(micros.getAsDouble() / 1000, 2) : NA;
  }

  static String mib(OptionalDouble kib) {
    return kib.isPresent() ? fixed(kib.getAsDouble() / KIB_PER_MIB, 1) : NA;
  }

  /** Subject over other; n/a when either is missing or the other is zero. */
  static String ratio(OptionalDouble subject, OptionalDouble other) {
    if (subject.isEmpty() || other.isEmpty() || other.getAsDouble() == 0) {
      return NA;
    }
    return fixed(subject.getAsDouble() / other.getAsDouble(), 2) + "×";
  }

  /** A memory size in MiB below a GiB, in GiB above. */
  public static String size(double kib) {
    return kib < KIB_PER_GIB ? fixed(kib / KIB_PER_MIB, 1) + " MiB" : fixed(kib / KIB_PER_GIB, 2) + " GiB";
  }

  private static String fixed(double value, int decimals) {
    return String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }
}
