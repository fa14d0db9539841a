package stream.terminal.lastmile.config;

import java.util.List;

/**
 * What channels whose names match {@code pattern} keep and allow.
 *
 * @param pattern a channel name where {@code *} stands for any run of characters ({@code indicators.*})
 * @param backlogSize messages kept for history and resume; 0 keeps none
 * @param backlogTtlSeconds how long a message stays in the backlog
 * @param createOnPublish whether publishing to a missing channel creates it
 * @param subscribe who may subscribe
 * @param history whether the history command and resume replays are served
 * @param maxSubscribers subscribers of one channel on one node; 0 = no cap
 * @param publishers ids of the api_keys and public_keys that may create and publish; empty = any client the
 *     listener lets publish
 * @param signaturesRequired whether unsigned publishes are refused
 * @param idempotencyWindowSeconds how long a publish's idempotency key is remembered: a repeat within it is
 *     answered with the first publish's position and stores nothing
 */
public record ChannelPolicy(
    String pattern,
    int backlogSize,
    int backlogTtlSeconds,
    boolean createOnPublish,
    SubscribeRule subscribe,
    boolean history,
    int maxSubscribers,
    List<String> publishers,
    boolean signaturesRequired,
    int idempotencyWindowSeconds) {
  /** Centrifugo's choice too: long enough for a publisher's retries across a node's restart. */
  public static final int DEFAULT_IDEMPOTENCY_WINDOW_SECONDS = 300;
  /** For channels no pattern matches (design §2: 1000 messages for 10 minutes); open to anyone. */
  public static final ChannelPolicy DEFAULT = new ChannelPolicy("*", 1000, 600, false);

  public ChannelPolicy {
    publishers = List.copyOf(publishers);
  }

  /** A policy with the default idempotency window. */
  public ChannelPolicy(String pattern, int backlogSize, int backlogTtlSeconds, boolean createOnPublish,
      SubscribeRule subscribe, boolean history, int maxSubscribers, List<String> publishers,
      boolean signaturesRequired) {
    this(pattern, backlogSize, backlogTtlSeconds, createOnPublish, subscribe, history, maxSubscribers, publishers,
        signaturesRequired, DEFAULT_IDEMPOTENCY_WINDOW_SECONDS);
  }

  /** A policy with the default access: anonymous subscribers, history, no cap, any publisher, optional signatures. */
  public ChannelPolicy(String pattern, int backlogSize, int backlogTtlSeconds, boolean createOnPublish) {
    this(pattern, backlogSize, backlogTtlSeconds, createOnPublish, SubscribeRule.ANONYMOUS, true, 0, List.of(), false);
  }

  public boolean keepsBacklog() {
    return backlogSize > 0;
  }
}
