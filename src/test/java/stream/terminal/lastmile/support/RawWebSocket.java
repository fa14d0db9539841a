package stream.terminal.lastmile.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A WebSocket client on a bare socket, for clients that misbehave in ways a library will not: it never answers
 * pings, and it reads server frames only when asked.
 */
public final class RawWebSocket implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final Map<String, String> headers = new HashMap<>();

  /** A server frame: its opcode and payload. */
  public record Frame(int opcode, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The status code of a close frame. */
    public int closeCode() {
      return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }
  }

  public RawWebSocket(int port) throws IOException {
    this(port, 0);
  }

  /** @param receiveBuffer the socket's receive buffer in bytes (small: the server's queue fills sooner), or 0 */
  public RawWebSocket(int port, int receiveBuffer) throws IOException {
    this(port, receiveBuffer, Base64.getEncoder().encodeToString("raw-test-key-123".getBytes(StandardCharsets.US_ASCII)),
        "");
  }

  /**
   * @param key the Sec-WebSocket-Key to send
   * @param extraHeaders more request header lines, each ending in CRLF
   */
  public RawWebSocket(int port, String key, String extraHeaders) throws IOException {
    this(port, 0, key, extraHeaders);
  }

  /** A WebSocket on {@code path} (SockJS's {@code /eventbus/websocket}, ...) rather than on {@code /}. */
  public static RawWebSocket at(int port, String path) throws IOException {
    return new RawWebSocket(port, path, 0,
        Base64.getEncoder().encodeToString("raw-test-key-123".getBytes(StandardCharsets.US_ASCII)), "");
  }

  private RawWebSocket(int port, int receiveBuffer, String key, String extraHeaders) throws IOException {
    this(port, "/", receiveBuffer, key, extraHeaders);
  }

  private RawWebSocket(int port, String path, int receiveBuffer, String key, String extraHeaders) throws IOException {
    socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
    socket.setSoTimeout(20_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    String status = readLine();
    if (!status.contains(" 101 ")) {
      throw new IOException("handshake refused: " + status);
    }
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
  }

  /** A header of the server's 101, by its name in any case; null when absent. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException();
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  /** Reads the next frame; blocks until one arrives (or the 20 s socket timeout). */
  public Frame read() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long length = b1 & 0x7f;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    return new Frame(b0 & 0x0f, payload);
  }

  /** Sends a masked text frame, as clients must. */
  public void sendText(String text) throws IOException {
    sendFrame(0x81, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends a text message split into fragments of at most {@code size} bytes (a text frame, then continuations). */
  public void sendFragmented(String text, int size) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int at = 0; at < bytes.length; at += size) {
      int end = Math.min(bytes.length, at + size);
      int opcode = at == 0 ? 0x1 : 0x0;
      sendFrame((end == bytes.length ? 0x80 : 0) | opcode, java.util.Arrays.copyOfRange(bytes, at, end));
    }
  }

  /** Sends {@code count} pings with this payload in one write, without reading anything. */
  public void sendPings(int count, byte[] payload) throws IOException {
    sendControl(0x89, count, payload);
  }

  /** Sends {@code count} unsolicited pongs with this payload in one write. */
  public void sendPongs(int count, byte[] payload) throws IOException {
    sendControl(0x8A, count, payload);
  }

  private void sendControl(int first, int count, byte[] payload) throws IOException {
    byte[] frame = frame(first, payload);
    byte[] all = new byte[frame.length * count];
    for (int i = 0; i < count; i++) {
      System.arraycopy(frame, 0, all, i * frame.length, frame.length);
    }
    out.write(all);
    out.flush();
  }

  /** Sends a text frame without the mask every client frame must have. */
  public void sendUnmaskedText(String text) throws IOException {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x81);
    frame.write(payload.length); // under 126 bytes
    frame.writeBytes(payload);
    out.write(frame.toByteArray());
    out.flush();
  }

  /** Answers the server's close frame with one of ours, as a client ends the closing handshake. */
  public void sendClose(int code) throws IOException {
    sendFrame(0x88, new byte[] {(byte) (code >> 8), (byte) code});
  }

  /** Whether the server closed the TCP connection cleanly (end of stream, not a reset) before sending more. */
  public boolean endOfStream() throws IOException {
    return in.read() < 0;
  }

  /** Sends text frames in one write, so that the server reads them in one go. */
  public void sendTexts(String... texts) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (String text : texts) {
      all.write(frame(0x81, text.getBytes(StandardCharsets.UTF_8)));
    }
    out.write(all.toByteArray());
    out.flush();
  }

  /** Writes these bytes as they are, in one write: frames built with {@link #frame}, cut or joined at will. */
  public void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  private void sendFrame(int first, byte[] payload) throws IOException {
    out.write(frame(first, payload));
    out.flush();
  }

  /** A masked client frame: {@code first} is its first byte (FIN, reserved bits, opcode). */
  public static byte[] frame(int first, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write(first);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length <= 0xffff) {
      frame.write(0x80 | 126);
      frame.write(payload.length >> 8);
      frame.write(payload.length & 0xff);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >> shift) & 0xff);
      }
    }
    byte[] mask = {1, 2, 3, 4};
    frame.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    return frame.toByteArray();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
