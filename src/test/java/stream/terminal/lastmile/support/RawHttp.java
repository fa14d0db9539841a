package stream.terminal.lastmile.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * An HTTP/1.1 client on a bare socket, for clients a library will not imitate: half requests, bytes trickled
 * one at a time, connections held open without a request, HTTP/2 prefaces.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** A response: its status line and its body (read by Content-Length). */
  public record Response(String statusLine, String body) {
    public int status() {
      return Integer.parseInt(statusLine.split(" ")[1]);
    }
  }

  public RawHttp(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  public RawHttp send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public RawHttp send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Sends a complete GET of {@code path} on this connection (kept alive) and reads its response. */
  public Response get(String path) throws IOException {
    send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    return response();
  }

  /** Reads one response; the body only when the headers give its length. */
  public Response response() throws IOException {
    String status = line();
    int length = 0;
    for (String header = line(); !header.isEmpty(); header = line()) {
      if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(header.substring("content-length:".length()).trim());
      }
    }
    return new Response(status, new String(in.readNBytes(length), StandardCharsets.UTF_8));
  }

  /** The first bytes the server sends, up to {@code n} (fewer if it closes first). */
  public byte[] first(int n) throws IOException {
    return in.readNBytes(n);
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("connection closed after " + line);
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * Waits until the server closes the connection (end of stream, or a reset), discarding what it sends first;
   * fails if it is still open after {@code within}. Returns how long it took.
   */
  public Duration awaitClosedBy(Duration within) throws IOException {
    long start = System.nanoTime();
    socket.setSoTimeout((int) within.toMillis());
    try {
      while (in.read() >= 0) {
        // what the server wrote before closing
      }
    } catch (SocketTimeoutException e) {
      fail("the server kept the connection open for " + within);
    } catch (IOException reset) {
      // closed as well: a write to the closed connection made the kernel reset it
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
