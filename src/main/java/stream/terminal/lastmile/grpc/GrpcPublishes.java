package stream.terminal.lastmile.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import io.vertx.core.Future;
import stream.terminal.lastmile.channel.Publisher;
import stream.terminal.lastmile.config.ListenerConfig;
import stream.terminal.lastmile.config.Permission;
import stream.terminal.lastmile.core.IdempotencyKey;
import stream.terminal.lastmile.core.ChannelNames;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.core.Published;
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
  Future<Published> publish(Identity sender, PublishRequest request, Future<?> after) {
    listener.require(Permission.PUBLISH);
    String channel = ChannelNames.require(request.getChannel());
    // proto3: an unset string is empty, and an empty key is no key (old clients send none)
    String key = IdempotencyKey.require(request.getIdempotencyKey().isEmpty() ? null : request.getIdempotencyKey());
    if (request.getPayloadCase() == PublishRequest.PayloadCase.ANY) {
      // its JSON mapping is made by the Publisher, from the node's descriptor sets
      ProtoPayload proto = proto(request);
      admit(sender, channel, false);
      return publisher.publish(channel, proto, key, after);
    }
    String data = data(request);
    Signed signed = request.hasSignature() ? signed(request.getSignature()) : null;
    admit(sender, channel, signed != null);
    return publisher.publish(channel, data, signed, key, after);
  }

  /** The channel's access rules and the key's rate. */
  private void admit(Identity sender, String channel, boolean signed) {
    identity.access().requirePublish(sender, channel, signed);
    if (!identity.publishRates().tryPublish(sender)) {
      throw new GatewayException(ErrorCode.RATE_LIMITED, "key '" + sender.subject() + "' is over its publishes per second");
    }
  }

  /** A Protobuf payload: its bytes count against max_data_bytes; a signature covers JSON data only. */
  private ProtoPayload proto(PublishRequest request) {
    if (request.hasSignature()) {
      throw new GatewayException(ErrorCode.BAD_REQUEST, "signatures cover JSON data: a Protobuf payload cannot be signed");
    }
    Any any = request.getAny();
    if (any.getValue().size() > listener.limits().maxDataBytes()) {
      throw new GatewayException(ErrorCode.TOO_LARGE, "any exceeds " + listener.limits().maxDataBytes() + " bytes");
    }
    if (any.getTypeUrl().isEmpty()) {
      throw new GatewayException(ErrorCode.BAD_REQUEST, "any needs a type_url");
    }
    return new ProtoPayload(any.getTypeUrl(), any.getValue().toByteArray());
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
      default -> throw new GatewayException(ErrorCode.BAD_REQUEST, "a publish needs a payload: json or any");
    }
  }

  /** The shape checked here (bad_request); whether it verifies, in the Publisher. */
  private static Signed signed(Signature signature) {
    return SignedFields.of(signature.getTs(), signature.getKid(), signature.getSig());
  }
}
