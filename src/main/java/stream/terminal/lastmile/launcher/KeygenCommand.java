package stream.terminal.lastmile.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import stream.terminal.lastmile.auth.Secrets;
import stream.terminal.lastmile.config.ConfigParser;
import stream.terminal.lastmile.identity.ApiKeys;
import stream.terminal.lastmile.identity.Jcs;

/**
 * {@code keygen api-key|ed25519|p256}: a new publisher key and the configuration entry that whitelists it
 * (docs/configuration.md, Keys). The configuration never holds a secret: an API key's hash, a public key.
 */
final class KeygenCommand {
  static final String USAGE = """
      keygen api-key --id ID --channels 'a.*,b'
      keygen ed25519|p256 --id ID --channels 'a.*,b' --private-key FILE""";
  private static final int API_KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeygenCommand() {}

  static void run(List<String> args, PrintStream out) throws IOException {
    if (args.isEmpty()) {
      throw new CommandArgs.UsageException("which kind of key: api-key, ed25519 or p256");
    }
    String kind = args.get(0);
    switch (kind) {
      case "api-key" -> apiKey(new CommandArgs(args.subList(1, args.size()), Set.of("--id", "--channels")), out);
      case "ed25519", "p256" -> keyPair(kind,
          new CommandArgs(args.subList(1, args.size()), Set.of("--id", "--channels", "--private-key")), out);
      default -> throw new CommandArgs.UsageException("unknown key kind '" + kind + "' (api-key, ed25519, p256)");
    }
  }

  private static void apiKey(CommandArgs args, PrintStream out) {
    String id = id(args);
    List<String> channels = channels(args);
    byte[] secret = new byte[API_KEY_BYTES];
    RANDOM.nextBytes(secret);
    String key = ApiKeys.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    out.println("# API key for '" + id + "': give it to the publisher (Authorization: Bearer); it is shown only once");
    out.println(key);
    out.println("# its entry under identity.api_keys (the node keeps only the hash):");
    out.println("- id: " + id);
    out.println("  hash: sha256:" + HexFormat.of().formatHex(Secrets.sha256(key)));
    out.println("  channels: " + yamlList(channels));
  }

  private static void keyPair(String kind, CommandArgs args, PrintStream out) throws IOException {
    String id = id(args);
    List<String> channels = channels(args);
    Path file = Path.of(args.required("--private-key"));
    KeyPair pair;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(kind.equals("ed25519") ? "Ed25519" : "EC");
      if (kind.equals("p256")) {
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      }
      pair = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has Ed25519 and P-256", e);
    }
    KeyFiles.write(file, pair.getPrivate());
    out.println("# private key written to " + file + " (PKCS#8 PEM): keep it on the publisher, never on a node");
    out.println("# its entry under identity.public_keys:");
    out.println("- id: " + id);
    out.println("  key: " + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
    out.println("  channels: " + yamlList(channels));
  }

  static String id(CommandArgs args) {
    String id = args.required("--id");
    if (!ConfigParser.isKeyId(id)) {
      throw new CommandArgs.UsageException("--id: 1-64 characters from A-Z a-z 0-9 . _ -");
    }
    return id;
  }

  private static List<String> channels(CommandArgs args) {
    List<String> channels = Arrays.stream(args.required("--channels").split(",")).map(String::strip).toList();
    for (String channel : channels) {
      if (!ConfigParser.isGlob(channel)) {
        throw new CommandArgs.UsageException("--channels: '" + channel + "' is not a channel pattern"
            + " (1-128 of A-Z a-z 0-9 . _ - : @ *)");
      }
    }
    return channels;
  }

  /** Quoted: a pattern that starts with * would otherwise read as a YAML alias. */
  private static String yamlList(List<String> items) {
    return items.stream().map(item -> {
      StringBuilder quoted = new StringBuilder();
      Jcs.string(item, quoted);
      return quoted.toString();
    }).collect(Collectors.joining(", ", "[", "]"));
  }
}
