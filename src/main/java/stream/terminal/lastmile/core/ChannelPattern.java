package stream.terminal.lastmile.core;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A channel name where {@code *} stands for any run of characters ({@code indicators.*}): the patterns of channel
 * policies, of publisher keys and of users' channel claims.
 */
public record ChannelPattern(String pattern, Pattern regex) {
  public static ChannelPattern of(String pattern) {
    return new ChannelPattern(pattern, Pattern.compile(
        Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*"))));
  }

  public boolean matches(String channel) {
    return regex.matcher(channel).matches();
  }

  /** Whether one of {@code patterns} matches {@code channel}. */
  public static boolean anyMatches(List<ChannelPattern> patterns, String channel) {
    for (ChannelPattern pattern : patterns) {
      if (pattern.matches(channel)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChannelPattern other && other.pattern.equals(pattern);
  }

  @Override
  public int hashCode() {
    return pattern.hashCode();
  }

  @Override
  public String toString() {
    return pattern;
  }
}
