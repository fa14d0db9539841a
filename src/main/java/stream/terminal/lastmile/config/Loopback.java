package stream.terminal.lastmile.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Whether a listener's host is a loopback address, decided from its text alone (no name lookup at startup). */
final class Loopback {
  private static final Pattern IPV4 = Pattern.compile("127(?:\\.(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("\\[?[0-9A-Fa-f:]+]?");

  private Loopback() {}

  /** True for 127.0.0.0/8, ::1 (any spelling, brackets allowed) and {@code localhost}; false for every other name. */
  static boolean is(String host) {
    if (host.equalsIgnoreCase("localhost") || IPV4.matcher(host).matches()) {
      return true;
    }
    if (!host.contains(":") || !IPV6.matcher(host).matches()) {
      return false;
    }
    try {
      // a literal: parsed, never looked up
      return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
