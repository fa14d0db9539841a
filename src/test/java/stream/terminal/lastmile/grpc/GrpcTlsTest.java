package stream.terminal.lastmile.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.grpc.v1.CreateChannelRequest;
import stream.terminal.lastmile.grpc.v1.IngestGrpcClient;
import stream.terminal.lastmile.grpc.v1.PublishRequest;
import stream.terminal.lastmile.support.TestGateway;

/** gRPC on an ingest listener with TLS: HTTP/2 negotiated by ALPN, HTTP/1.1 for everyone else on the same port. */
class GrpcTlsTest {
  private final SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
  private final TestGateway gateway = new TestGateway();

  @AfterEach
  void close() throws Exception {
    gateway.close();
    certificate.delete();
  }

  private HttpClientOptions trusting() {
    // made for "localhost": host-name verification is off, since the test connects to 127.0.0.1
    return new HttpClientOptions().setSsl(true).setTrustOptions(certificate.trustOptions()).setVerifyHost(false);
  }

  @Test
  void grpcClientsNegotiateHttp2AndOthersKeepHttp11() throws Exception {
    gateway.listenerConfig("private").put("grpc", true).put("tls", new JsonObject()
        .put("cert", certificate.certificatePath()).put("key", certificate.privateKeyPath()));
    gateway.start();
    SocketAddress address = SocketAddress.inetSocketAddress(gateway.ingestPort(), "127.0.0.1");
    GrpcClient grpc = GrpcClient.client(gateway.clients(), trusting().setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2));
    try {
      IngestGrpcClient ingest = IngestGrpcClient.create(grpc, address);
      String epoch = ingest.createChannel(CreateChannelRequest.newBuilder().setChannel("tls").build())
          .await(10, TimeUnit.SECONDS).getEpoch();
      assertEquals(epoch, ingest.publish(PublishRequest.newBuilder().setChannel("tls").setJson("1").build())
          .await(10, TimeUnit.SECONDS).getStored().getEpoch());
    } finally {
      grpc.close().await(10, TimeUnit.SECONDS);
    }
    var https = gateway.clients().createHttpClient(trusting());
    try {
      var response = https.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
              .setPort(gateway.ingestPort()).setURI("/channels"))
          .compose(request -> request.send())
          .await(10, TimeUnit.SECONDS);
      assertEquals(HttpVersion.HTTP_1_1, response.version());
      assertEquals(200, response.statusCode());
    } finally {
      https.close().await(10, TimeUnit.SECONDS);
    }
  }
}
