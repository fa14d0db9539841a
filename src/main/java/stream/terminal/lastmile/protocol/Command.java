package stream.terminal.lastmile.protocol;

import stream.terminal.lastmile.core.PayloadFormat;
import stream.terminal.lastmile.core.Position;
import stream.terminal.lastmile.core.Signed;

/**
 * A client command, whatever dialect it arrived in. {@code idJson} is the request id as JSON text (a string or
 * number literal), echoed verbatim in the reply, or null when the command had none.
 */
public sealed interface Command {
  String idJson();

  /** The channel the command names, or null for commands without one. */
  String channel();

  /** @param format how messages published in Protobuf form are delivered */
  record Subscribe(String idJson, String channel, Position since, PayloadFormat format) implements Command {
    /** A subscription that receives everything as JSON. */
    public Subscribe(String idJson, String channel, Position since) {
      this(idJson, channel, since, PayloadFormat.JSON);
    }
  }

  record Unsubscribe(String idJson, String channel) implements Command {}

  record Create(String idJson, String channel) implements Command {}

  /**
   * {@code data} is the payload as compact JSON text, serialised once at the boundary; {@code signed} is the
   * publisher's timestamp and signature, or null for an unsigned message; {@code idempotencyKey} the publisher's
   * key (checked), or null.
   */
  record Publish(String idJson, String channel, String data, Signed signed, String idempotencyKey)
      implements Command {
    /** An unsigned publish. */
    public Publish(String idJson, String channel, String data) {
      this(idJson, channel, data, null, null);
    }

    /** A publish without an idempotency key. */
    public Publish(String idJson, String channel, String data, Signed signed) {
      this(idJson, channel, data, signed, null);
    }
  }

  record History(String idJson, String channel, Position since, Integer limit) implements Command {}

  /**
   * Signs on, or refreshes the identity before it expires (docs/protocol.md, {@code auth}). The credential is
   * never echoed or logged.
   */
  record Auth(String idJson, String token) implements Command {
    @Override
    public String channel() {
      return null;
    }

    @Override
    public String toString() {
      return "Auth[idJson=" + idJson + "]";
    }
  }

  record Ping(String idJson) implements Command {
    @Override
    public String channel() {
      return null;
    }
  }
}
