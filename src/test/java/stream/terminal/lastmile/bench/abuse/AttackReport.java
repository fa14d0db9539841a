package stream.terminal.lastmile.bench.abuse;

import io.vertx.core.json.JsonObject;

/**
 * What one attack did to the node and to the steady subscriber.
 *
 * @param sent what the attack sent, in its own unit (see its outcome)
 * @param rssBeforeKib RSS before the attack, -1 when the node's PID is not known (so for fds and CPU)
 * @param rssPeakKib highest RSS sampled during the attack
 * @param cpuQuietPct CPU of the quiet window before the attack, % of one core
 * @param refusals counters of refusals and disconnects that grew during the attack
 * @param errors error replies that grew during the attack
 * @param p99QuietUs the steady subscriber's publish-to-receive p99 before the attack, µs
 * @param lost offsets acknowledged during the attack that never reached the steady subscriber
 * @param subscriberDropped why the steady subscriber was disconnected, or null
 * @param newSubscriber "yes" when a new subscriber got in after the attack, else why not
 * @param nodeAlive false when the node's process had ended after the attack
 */
record AttackReport(
    String attack,
    long sent,
    String outcome,
    long rssBeforeKib,
    long rssPeakKib,
    long fdsBefore,
    long fdsPeak,
    double cpuQuietPct,
    double cpuDuringPct,
    String refusals,
    String errors,
    long p50QuietUs,
    long p99QuietUs,
    long p50DuringUs,
    long p99DuringUs,
    long lost,
    String subscriberDropped,
    String newSubscriber,
    boolean nodeAlive) {

  JsonObject toJson() {
    return JsonObject.mapFrom(this);
  }
}
