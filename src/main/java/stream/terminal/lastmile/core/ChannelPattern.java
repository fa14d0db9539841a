package stream.terminal.lastmile.core;

import java.util.Arrays;
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
