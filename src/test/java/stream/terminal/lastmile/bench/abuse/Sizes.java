package stream.terminal.lastmile.bench.abuse;

/**
 * How hard each attack pushes, and for how long at most. Every attack stops at its count or its time bound,
 * whichever comes first.
 *
 * @param quietSeconds the subscriber's quiet window before each attack (its reference p99)
 * @param attackSeconds the longest any attack may run (the hold times below are within it)
 * @param publishRate messages per second from the steady publisher
 * @param pings 125-byte pings sent by the ping flood's one socket
 * @param slowlorisSockets sockets that each send half an HTTP request
 * @param slowlorisSeconds how long slowloris sockets are held: longer than a handshake timeout should be
 * @param holdSeconds how long the other attacks hold their sockets once they have sent everything
 * @param floodConnections upgraded WebSockets opened from one address
 * @param oversizedRounds rounds of one 4 MiB frame plus one fragmented over-limit message
 * @param fragmentedBytes total size of the fragmented message
 * @param emptyContinuations empty continuation frames sent after one unfinished text fragment, per listener
 * @param historyConnections connections asking for history pages without reading
 * @param historyRequests history and subscribe-with-since requests per connection
 * @param historyMessages messages stored in the history channel (one page asks for all of them)
 * @param fuzzFrames random and mutated WebSocket frames
 * @param fuzzRequests random HTTP requests
 * @param fuzzSeconds the fuzzer's own time bound: it promises a count, which a loaded machine may take a while to send
 */
public record Sizes(
    int quietSeconds,
    int attackSeconds,
    int publishRate,
    int pings,
    int slowlorisSockets,
    int slowlorisSeconds,
    int holdSeconds,
    int floodConnections,
    int oversizedRounds,
    int fragmentedBytes,
    int emptyContinuations,
    int historyConnections,
    int historyRequests,
    int historyMessages,
    int fuzzFrames,
    int fuzzRequests,
    int fuzzSeconds) {

  /** Moderate: within a 2-core machine and 20,000 open files per process. */
  public static final Sizes DEFAULT =
      new Sizes(5, 30, 200, 400_000, 5_000, 20, 5, 2_000, 5, 1 << 20, 1_000_000, 10, 150, 1000, 14_000, 6_000, 300);

  /** {@code --quick}: each attack in seconds; the fuzzer still sends 10,000 frames and requests. */
  public static final Sizes QUICK =
      new Sizes(3, 15, 100, 40_000, 300, 12, 3, 300, 2, 256 << 10, 200_000, 3, 40, 300, 7_000, 3_000, 120);

  /** For the CI smoke test: every attack, a second or so each. */
  public static final Sizes TINY =
      new Sizes(1, 10, 50, 2_000, 20, 1, 1, 20, 1, 64 << 10, 5_000, 1, 10, 50, 300, 200, 20);
}
