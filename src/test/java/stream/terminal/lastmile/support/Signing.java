package stream.terminal.lastmile.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import stream.terminal.lastmile.core.Signature;
import stream.terminal.lastmile.core.Signed;
import stream.terminal.lastmile.identity.MessageSignatures;

/**
 * The one place end-to-end tests get message signatures from: an Ed25519 key made for this test run, whitelisted
 * as {@link #KID} for every channel by {@link #identity()} (a node's {@code identity} section) and by
 * {@link #identityYaml()} (the same for nodes started from a YAML file).
 */
public final class Signing {
  public static final String KID = "test-signer";
  private static final KeyPair KEYS = Keys.ed25519();

  private Signing() {}

  /** A signature of {@code data} (compact JSON text) published on {@code channel} at {@code ts}. */
  public static Signed sign(String channel, String data, long ts) {
    return new Signed(ts, new Signature(KID, MessageSignatures.sign(KEYS.getPrivate(), channel, data, ts)));
  }

  /** The test key's public half as configuration and the browser client take it (base64 SPKI). */
  public static String publicKey() {
    return Keys.spki(KEYS);
  }

  /** An {@code identity} section whitelisting the test key on every channel. */
  public static JsonObject identity() {
    return new JsonObject().put("public_keys", new JsonArray().add(new JsonObject()
        .put("id", KID).put("key", Keys.spki(KEYS)).put("channels", new JsonArray().add("*"))));
  }

  /** {@link #identity()} as one line of YAML. */
  public static String identityYaml() {
    return "identity: {public_keys: [{id: " + KID + ", key: \"" + Keys.spki(KEYS) + "\", channels: [\"*\"]}]}";
  }
}
