package stream.terminal.lastmile.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a server process's CPU time and memory from Linux's {@code /proc}, and a JVM's heap after a full GC
 * through {@code jcmd}: the figures must come from outside the server, the same way for every server measured.
 */
public final class ProcessProbe {
  /** USER_HZ: the unit of utime and stime in /proc/PID/stat; 100 on every Linux architecture Java runs on. */
  private static final long TICKS_PER_SECOND = 100;
  /** The first heap line of GC.heap_info: "total 262144K, used ..." (JDK 17), "total reserved ..., committed ..." (25). */
  private static final Pattern HEAP_USED = Pattern.compile("total (?:reserved \\d+K, committed )?\\d+K, used (\\d+)K");

  private ProcessProbe() {}

  /** User plus system CPU time the process has used, in microseconds (10 ms resolution). */
  public static long cpuMicros(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    // fields after the command name, which is in parentheses and may contain spaces
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * 1_000_000 / TICKS_PER_SECOND;
  }

  /** Resident set size in KiB. */
  public static long rssKib(long pid) {
    for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for process " + pid);
  }

  static long cpuMicros(List<Long> pids) {
    return pids.stream().mapToLong(ProcessProbe::cpuMicros).sum();
  }

  static long rssKib(List<Long> pids) {
    return pids.stream().mapToLong(ProcessProbe::rssKib).sum();
  }

  /** Heap in use after a full GC, summed over the JVMs among {@code pids}; empty when none is a JVM. */
  static OptionalLong heapAfterGcKib(List<Long> pids) {
    long total = 0;
    boolean any = false;
    for (long pid : pids) {
      if (!isJvm(pid)) {
        continue;
      }
      jcmd(pid, "GC.run");
      Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
      if (!used.find()) {
        throw new IllegalStateException("no heap figure from jcmd " + pid + " GC.heap_info");
      }
      total += Long.parseLong(used.group(1));
      any = true;
    }
    return any ? OptionalLong.of(total) : OptionalLong.empty();
  }

  private static boolean isJvm(long pid) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).getFileName().toString().equals("java");
    } catch (IOException e) {
      return false;
    }
  }

  /** The jcmd of the server's own JDK (next to its java): a JVM answers the jcmd of its own version best. */
  private static String jcmd(long pid, String command) {
    Path jcmd;
    try {
      jcmd = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).resolveSibling("jcmd");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the executable of process " + pid, e);
    }
    if (!Files.isExecutable(jcmd)) {
      jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    }
    try {
      Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + jcmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String read(Path path) {
    try {
      return Files.readString(path, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path + " (is the process running?)", e);
    }
  }
}
