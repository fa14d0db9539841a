package stream.terminal.lastmile.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import stream.terminal.lastmile.channel.Publisher;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.config.Permission;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.ChannelNames;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.Signed;
import stream.terminal.lastmile.core.Utf8;
import stream.terminal.lastmile.grpc.v1.PublishRequest;
import stream.terminal.lastmile.grpc.v1.Signature;
import stream.terminal.lastmile.identity.Identity;
import stream.terminal.lastmile.identity.IdentityServices;
import stream.terminal.lastmile.protocol.Json;
import stream.terminal.lastmile.protocol.SignedFields;

/**
 * A gRPC publish, unary or on a stream: the checks of the HTTP API's publish in its order (permission, payload,
 * size, signature shape, channel access, the key's rate), then {@link Publisher#publish}, where a signature is
 * verified like every other.
 */
final class GrpcPublishes {
  private final ListenerConfig listener;
  private final IdentityServices identity;
  private final Publisher publisher;

  GrpcPublishes(ListenerConfig listener, IdentityServices identity, Publisher publisher) {
    this.listener = listener;
    this.identity = identity;
    this.publisher = publisher;
  }

  /**
   * @param after the stream's previous publish: this one goes on the bus after it (see {@link Publisher})
   * @return the stored message, or the failure of the store or of the signature's verification
   * @throws GatewayException a refusal before anything is stored
   */
  Future<ChannelMessage> publish(Identity sender, PublishRequest request, Future<?> after) {
    listener.require(Permission.PUBLISH);
    String channel = ChannelNames.require(request.getChannel());
    String data = data(request);
    Signed signed = request.hasSignature() ? signed(request.getSignature()) : null;
    identity.access().requirePublish(sender, channel, signed != null);
    if (!identity.publishRates().tryPublish(sender)) {
      throw new GatewayException(ErrorCode.RATE_LIMITED, "key '" + sender.subject() + "' is over its publishes per second");
    }
    return publisher.publish(channel, data, signed, after);
  }

  /** The payload as compact JSON text. */
  private String data(PublishRequest request) {
    switch (request.getPayloadCase()) {
      case JSON -> {
        String text = request.getJson();
        // the raw text, as the HTTP API counts its raw body
        if (Utf8.length(text) > listener.limits().maxDataBytes()) {
          throw new GatewayException(ErrorCode.TOO_LARGE, "json exceeds " + listener.limits().maxDataBytes() + " bytes");
        }
        JsonNode node = Json.parse(text);
        if (node == null) {
          throw new GatewayException(ErrorCode.BAD_REQUEST, "json must be one JSON value (the message data)");
        }
        return Json.compact(node);
      }
      case ANY -> throw new GatewayException(ErrorCode.BAD_REQUEST,
          "no descriptor sets configured: this node takes json payloads only");
      default -> throw new GatewayException(ErrorCode.BAD_REQUEST, "a publish needs a payload: json or any");
    }
  }

  /** The shape checked here (bad_request); whether it verifies, in the Publisher. */
  private static Signed signed(Signature signature) {
    return SignedFields.of(signature.getTs(), signature.getKid(), signature.getSig());
  }
}
