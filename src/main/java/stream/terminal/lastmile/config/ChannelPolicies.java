package stream.terminal.lastmile.config;

import java.util.List;
import stream.terminal.lastmile.core.ChannelPattern;

/** The configured channel patterns, in order: the first that matches a name decides; none gives the default. */
public final class ChannelPolicies {
  private record Rule(ChannelPattern pattern, ChannelPolicy policy) {}

  private final List<Rule> rules;
  private final ChannelPolicy fallback;

  public ChannelPolicies(List<ChannelPolicy> policies, ChannelPolicy fallback) {
    this.rules = policies.stream().map(p -> new Rule(ChannelPattern.of(p.pattern()), p)).toList();
    this.fallback = fallback;
  }

  public static ChannelPolicies defaults() {
    return new ChannelPolicies(List.of(), ChannelPolicy.DEFAULT);
  }

  public ChannelPolicy forChannel(String channel) {
    for (Rule rule : rules) {
      if (rule.pattern().matches(channel)) {
        return rule.policy();
      }
    }
    return fallback;
  }

  public List<ChannelPolicy> all() {
    return rules.stream().map(Rule::policy).toList();
  }

  public ChannelPolicy fallback() {
    return fallback;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChannelPolicies other && other.all().equals(all()) && other.fallback.equals(fallback);
  }

  @Override
  public int hashCode() {
    return all().hashCode() * 31 + fallback.hashCode();
  }
}
