package stream.terminal.lastmile.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import stream.terminal.lastmile.config.PublisherTokensConfig;
import stream.terminal.lastmile.identity.JwsSigner;

/** {@code publisher-token}: a fresh single-use publisher JWT signed with a whitelisted key, for curl and scripts. */
final class PublisherTokenCommand {
  static final String USAGE = "publisher-token --private-key FILE --id ID [--ttl SECONDS] [--audience A]";

  private PublisherTokenCommand() {}

  static void run(List<String> list, PrintStream out) throws IOException {
    CommandArgs args = new CommandArgs(list, Set.of("--private-key", "--id", "--ttl", "--audience"));
    Path file = Path.of(args.required("--private-key"));
    String id = KeygenCommand.id(args);
    long ttl = args.number("--ttl", 60, 1, 3600);
    String audience = args.optional("--audience", PublisherTokensConfig.DEFAULTS.audience());
    out.println(JwsSigner.publisherToken(KeyFiles.read(file), id, audience, Instant.now(), ttl));
  }
}
