package stream.terminal.lastmile.launcher;

import io.vertx.core.Future;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import stream.terminal.lastmile.sdk.ClientOptions;
import stream.terminal.lastmile.sdk.LastMileException;

/** The options every client command shares: where the node is and the credential, read into {@link ClientOptions}. */
final class Connection {
  static final Set<String> OPTIONS = Set.of("--ingest", "--edge", "--credential", "--credential-file", "--ca",
      "--timeout-ms");
  static final Set<String> FLAGS = Set.of("--tls");
  static final String USAGE = "[--ingest HOST:PORT] [--edge URL] [--credential-file FILE] [--tls] [--ca FILE]";
  static final String HELP = """
      Connection:
        --ingest HOST:PORT      the ingest listener, gRPC and HTTP API (default $LASTMILE_INGEST or 127.0.0.1:8081)
        --edge URL              the edge listener's WebSocket URL (default $LASTMILE_EDGE or ws://127.0.0.1:8080/)
        --credential-file FILE  the credential (an API key, a publisher JWT, a token) is the file's first line
        --credential VALUE      the credential itself (visible to other local users in the process list: prefer
                                the file or the environment variable LASTMILE_CREDENTIAL)
        --tls                   TLS to the ingest listener (ALPN h2 for gRPC); --edge wss://... for the edge
        --ca FILE               PEM certificates to trust (implies --tls); default: the JVM's trust store
        --timeout-ms N          how long a call may wait for its answer (default 30000)""";

  private Connection() {}

  static Set<String> with(String... own) {
    Set<String> all = new HashSet<>(OPTIONS);
    all.addAll(Set.of(own));
    return all;
  }

  static Set<String> flags(String... own) {
    Set<String> all = new HashSet<>(FLAGS);
    all.addAll(Set.of(own));
    return all;
  }

  static ClientOptions options(CommandArgs args, Map<String, String> env) throws IOException {
    ClientOptions options = new ClientOptions();
    String ingest = args.optional("--ingest", env.getOrDefault("LASTMILE_INGEST", "127.0.0.1:8081"));
    int colon = ingest.lastIndexOf(':');
    if (colon <= 0) {
      throw new CommandArgs.UsageException("--ingest must be HOST:PORT, not '" + ingest + "'");
    }
    try {
      options.host(ingest.substring(0, colon)).port(Integer.parseInt(ingest.substring(colon + 1)));
      options.edgeUrl(args.optional("--edge", env.getOrDefault("LASTMILE_EDGE", "ws://127.0.0.1:8080/")));
    } catch (IllegalArgumentException e) {
      throw new CommandArgs.UsageException(e.getMessage());
    }
    options.requestTimeoutMs(args.number("--timeout-ms", ClientOptions.DEFAULT_REQUEST_TIMEOUT_MS, 1, 3_600_000));
    if (args.has("--ca")) {
      Path ca = Path.of(args.required("--ca"));
      if (!Files.isReadable(ca)) {
        throw new java.nio.file.NoSuchFileException(ca.toString());
      }
      options.tls(true).trustOptions(new PemTrustOptions().addCertPath(ca.toString()));
    }
    if (args.flag("--tls")) {
      options.tls(true);
    }
    String credential = credential(args, env);
    if (credential != null) {
      options.credential(() -> credential);
    }
    return options;
  }

  /** From --credential, else --credential-file, else LASTMILE_CREDENTIAL; null: anonymous. Never printed. */
  private static String credential(CommandArgs args, Map<String, String> env) throws IOException {
    if (args.has("--credential") && args.has("--credential-file")) {
      throw new CommandArgs.UsageException("give --credential or --credential-file, not both");
    }
    if (args.has("--credential")) {
      return args.required("--credential").trim();
    }
    if (args.has("--credential-file")) {
      Path file = Path.of(args.required("--credential-file"));
      String first = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").trim();
      if (first.isEmpty()) {
        throw new IOException(file + ": the first line holds no credential");
      }
      return first;
    }
    String fromEnv = env.get("LASTMILE_CREDENTIAL");
    return fromEnv == null || fromEnv.isBlank() ? null : fromEnv.trim();
  }

  /** Waits for a call's answer; its failure is thrown as the {@link LastMileException} it is. */
  static <T> T await(Future<T> future, long timeoutMs) throws InterruptedException {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof LastMileException lm) {
        throw lm;
      }
      throw new LastMileException("internal", String.valueOf(e.getCause()), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new LastMileException(LastMileException.TIMEOUT, "no answer within " + timeoutMs + " ms");
    }
  }
}
