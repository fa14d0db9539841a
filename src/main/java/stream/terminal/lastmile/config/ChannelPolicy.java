package stream.terminal.lastmile.config;

/**
 * What channels whose names match {@code pattern} keep and allow.
 *
 * @param pattern a channel name where {@code *} stands for any run of characters ({@code indicators.*})
 * @param backlogSize messages kept for history and resume; 0 keeps none
 * @param backlogTtlSeconds how long a message stays in the backlog
 * @param createOnPublish whether publishing to a missing channel creates it
 */
public record ChannelPolicy(String pattern, int backlogSize, int backlogTtlSeconds, boolean createOnPublish) {
  /** For channels no pattern matches (design §2: 1000 messages for 10 minutes). */
  public static final ChannelPolicy DEFAULT = new ChannelPolicy("*", 1000, 600, false);

  public boolean keepsBacklog() {
    return backlogSize > 0;
  }
}
