package stream.terminal.lastmile.launcher;

/** One-line log records on stderr through java.util.logging, unless the operator configured logging. */
final class Logging {
  private Logging() {}

  static void configure() {
    if (System.getProperty("java.util.logging.config.file") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$-7s %3$s: %5$s%6$s%n");
    }
  }
}
