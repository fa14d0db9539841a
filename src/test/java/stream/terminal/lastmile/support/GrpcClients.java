package stream.terminal.lastmile.support;

import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import stream.terminal.lastmile.grpc.v1.PublishAck;
import stream.terminal.lastmile.grpc.v1.PublishRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;
import stream.terminal.lastmile.grpc.v1.IngestGrpc;

/** grpc-java clients of a node's gRPC ingest API (plaintext HTTP/2 on 127.0.0.1), and what their errors carry. */
public final class GrpcClients implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> ERROR_CODE =
      Metadata.Key.of("lastmile-error-code", Metadata.ASCII_STRING_MARSHALLER);
  private final ManagedChannel channel;

  public GrpcClients(int port) {
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  public ManagedChannel channel() {
    return channel;
  }

  public IngestGrpc.IngestBlockingStub blocking() {
    return IngestGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public IngestGrpc.IngestBlockingStub blocking(String credential) {
    return withCredential(blocking(), credential);
  }

  public IngestGrpc.IngestStub async(String credential) {
    IngestGrpc.IngestStub stub = IngestGrpc.newStub(channel);
    return credential == null ? stub : withCredential(stub, credential);
  }

  private static <S extends AbstractStub<S>> S withCredential(S stub, String credential) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + credential);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /**
   * Sends {@code requests} on one PublishStream (no credential), ends it, and waits up to a minute for its end;
   * the acknowledgements in the order they came.
   */
  public List<PublishAck> publishStream(List<PublishRequest> requests) throws Exception {
    List<PublishAck> acks = new ArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<PublishRequest> stream = async(null).publishStream(new StreamObserver<>() {
      @Override
      public void onNext(PublishAck ack) {
        acks.add(ack);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete(null);
      }
    });
    requests.forEach(stream::onNext);
    stream.onCompleted();
    done.get(60, TimeUnit.SECONDS);
    return acks;
  }

  /** The wire code of a refused call: its {@code lastmile-error-code} trailer. */
  public static String errorCode(StatusRuntimeException e) {
    return e.getTrailers() == null ? null : e.getTrailers().get(ERROR_CODE);
  }

  public static Status.Code status(StatusRuntimeException e) {
    return e.getStatus().getCode();
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }
}
