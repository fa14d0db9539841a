package stream.terminal.lastmile.launcher;

import java.util.logging.LogManager;

/**
 * One-line log records on stderr through java.util.logging, unless the operator configured logging. The JDK
 * resets logging in a shutdown hook of its own, racing ours; {@link Manager} holds that reset back until the
 * node has stopped, so the shutdown is logged.
 */
final class Logging {
  /** JUL keeps loggers weakly: a level set on one nobody holds is lost when it is collected. */
  private static java.util.logging.Logger micrometer;

  private Logging() {}

  /** Call first thing in main, before anything logs. */
  static void configure() {
    if (System.getProperty("java.util.logging.config.file") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$-7s %3$s: %5$s%6$s%n");
    }
    System.setProperty("java.util.logging.manager", Manager.class.getName());
    // vertx-micrometer-metrics 5.0.7 registers its HTTP connection gauge once per connection; Micrometer keeps
    // the first and warns about each later one, which says nothing to an operator
    micrometer = java.util.logging.Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");
    micrometer.setLevel(java.util.logging.Level.SEVERE);
  }

  /** Flushes and closes the handlers; call at the end of the shutdown hook. */
  static void shutdown() {
    if (LogManager.getLogManager() instanceof Manager manager) {
      manager.resetNow();
    }
  }

  /** A LogManager whose JVM-shutdown reset waits for {@link #shutdown()}. */
  public static final class Manager extends LogManager {
    @Override
    public void reset() {
      // the JDK's shutdown hook calls this; the node's own hook calls resetNow when it is done
    }

    void resetNow() {
      super.reset();
    }
  }
}
