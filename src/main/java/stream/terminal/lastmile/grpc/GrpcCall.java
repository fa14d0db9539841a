package stream.terminal.lastmile.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.MessageSizeOverflowException;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;

/**
 * One gRPC call's lifecycle: its request messages decoded here (so a message that does not parse gets
 * INVALID_ARGUMENT {@code bad_request}, where vertx-grpc would reset the stream without a status), its deadline
 * ({@code grpc-timeout}), and the one end it gets, whichever side ends it: a reply, a refusal, a disconnect, the
 * deadline, or the client's cancel or lost connection. Runs on the connection's event loop.
 */
final class GrpcCall<Req, Resp> {
  private final GrpcServerRequest<Req, Resp> request;
  private final Parser<Req> parser;
  private final Vertx vertx;
  private final long maxMessageBytes;
  private final List<Runnable> onClose = new ArrayList<>();
  /** What a malformed request message does: ends the call at once, unless the call says otherwise. */
  private Consumer<GatewayException> refusal = this::fail;
  private boolean ended;
  private long deadline = -1;

  /** Pauses the request: nothing is read before the caller has checked the credential and set its handlers. */
  GrpcCall(Vertx vertx, GrpcServerRequest<Req, Resp> request, Parser<Req> parser, long maxMessageBytes) {
    this.vertx = vertx;
    this.request = request;
    this.parser = parser;
    this.maxMessageBytes = maxMessageBytes;
    request.pause();
    request.errorHandler(error -> gone());
    request.exceptionHandler(error -> gone());
    // a message over the size limit is skipped by the deframer, out of order with the ones queued before it:
    // the call cannot go on in order, so it ends
    request.invalidMessageHandler(e -> refusal.accept(e instanceof MessageSizeOverflowException overflow
        ? new GatewayException(ErrorCode.TOO_LARGE, "a request message of " + overflow.messageSize()
            + " bytes exceeds " + maxMessageBytes + " bytes")
        : new GatewayException(ErrorCode.BAD_REQUEST, "a request message is not valid")));
    if (request.timeout() > 0) {
      deadline = vertx.setTimer(request.timeout(), id -> {
        deadline = -1;
        if (!ended) {
          ended = true;
          response().status(GrpcStatus.DEADLINE_EXCEEDED).statusMessage("deadline exceeded").end();
          closed();
        }
      });
    }
  }

  GrpcServerRequest<Req, Resp> request() {
    return request;
  }

  GrpcServerResponse<Req, Resp> response() {
    return request.response();
  }

  /** Each request message, decoded; one that does not decode ends the call with {@code bad_request}. */
  void onMessage(Consumer<Req> handler) {
    request.messageHandler(message -> {
      if (ended) {
        return;
      }
      Req decoded;
      try {
        decoded = decode(message);
      } catch (GatewayException e) {
        refusal.accept(e);
        return;
      }
      try {
        handler.accept(decoded);
      } catch (RuntimeException e) {
        // a refusal thrown by a check, or a bug: either way the call ends with a status, never hangs
        fail(e);
      }
    });
  }

  /** What a request message too large or malformed does instead of ending the call at once. */
  void onRefusal(Consumer<GatewayException> handler) {
    refusal = handler;
  }

  /** The client's half-close: it sends nothing more. */
  void onEnd(Runnable handler) {
    request.endHandler(v -> {
      if (!ended) {
        handler.run();
      }
    });
  }

  /** Runs once the call has ended, however. */
  void onClose(Runnable action) {
    onClose.add(action);
  }

  boolean ended() {
    return ended;
  }

  /** The single response of a unary call, and its OK status. */
  void reply(Resp response) {
    if (!ended) {
      ended = true;
      response().end(response);
      closed();
    }
  }

  /** OK after the messages already written (a stream). */
  void finish() {
    if (!ended) {
      ended = true;
      response().end();
      closed();
    }
  }

  void fail(Throwable failure) {
    if (!ended) {
      ended = true;
      GrpcErrors.end(response(), GatewayException.of(failure));
      closed();
    }
  }

  void disconnect(Disconnect reason) {
    if (!ended) {
      ended = true;
      GrpcErrors.end(response(), reason);
      closed();
    }
  }

  /** The client cancelled, its deadline passed on its side, or the connection is lost. */
  private void gone() {
    ended = true;
    closed();
  }

  private void closed() {
    if (deadline >= 0) {
      vertx.cancelTimer(deadline);
      deadline = -1;
    }
    List<Runnable> actions = new ArrayList<>(onClose);
    onClose.clear();
    actions.forEach(Runnable::run);
  }

  private Req decode(GrpcMessage message) {
    byte[] bytes = switch (message.encoding()) {
      case "identity" -> message.payload().getBytes();
      case "gzip" -> gunzip(message.payload().getBytes());
      default -> throw new GatewayException(ErrorCode.BAD_REQUEST,
          "message encoding " + message.encoding() + " is not supported: send identity or gzip");
    };
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new GatewayException(ErrorCode.BAD_REQUEST, "a request message does not parse: " + e.getMessage());
    }
  }

  /** Inflates a compressed message, no further than the size an uncompressed one may have. */
  private byte[] gunzip(byte[] compressed) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      for (int n; (n = in.read(chunk)) > 0; ) {
        out.write(chunk, 0, n);
        if (out.size() > maxMessageBytes) {
          throw new GatewayException(ErrorCode.TOO_LARGE, "a request message exceeds " + maxMessageBytes + " bytes");
        }
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new GatewayException(ErrorCode.BAD_REQUEST, "a compressed request message does not inflate");
    }
  }
}
