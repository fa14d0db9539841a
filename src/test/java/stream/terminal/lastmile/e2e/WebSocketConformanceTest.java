package stream.terminal.lastmile.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import stream.terminal.lastmile.support.RawWebSocket;
import stream.terminal.lastmile.support.TestGateway;

/**
 * RFC 6455 conformance, case by case after the Autobahn TestSuite's list (its case numbers in each name), run
 * with a raw client over a real socket against the edge's WebSocket path, and a few cases against the ingest
 * listener. The gateway is no echo server, so a text message is a native {@code ping} command whose {@code id}
 * carries the text, and "echoed" means its reply carries the same id; binary messages get the documented
 * {@code bad_request} reply. docs/security.md lists the sections covered and those left out.
 */
class WebSocketConformanceTest {
  /** max_frame_bytes on both listeners: section 9 sends messages just within and just over it. */
  private static final int MAX = 128 * 1024;
  /** What each fragment costs against max_frame_bytes besides its payload (ws/MessageAssembler). */
  private static final int FRAGMENT_OVERHEAD = 64;

  private static final int TEXT = 0x1;
  private static final int BINARY = 0x2;
  private static final int CLOSE = 0x8;
  private static final int PING = 0x9;
  private static final int PONG = 0xA;
  private static final int FIN = 0x80;

  private static TestGateway gateway;

  /** What the server must do with what a case sends. */
  @FunctionalInterface
  private interface Expect {
    void check(RawWebSocket client) throws Exception;
  }

  /**
   * @param wire the bytes the client sends
   * @param chunk the size of the writes they are sent in (0: one write), to cut frames at the TCP level
   */
  private record Case(String name, byte[] wire, int chunk, Expect expect) {}

  @BeforeAll
  static void start() throws Exception {
    gateway = new TestGateway();
    for (String listener : List.of("public", "private")) {
      // no server pings: a case reads exactly the frames its client's frames call for
      gateway.limits(listener).put("max_frame_bytes", MAX).put("ping_interval_ms", 3_600_000)
          .put("idle_timeout_ms", 7_200_000);
    }
    // one address opens a connection per case: the per-address budgets are tested elsewhere
    gateway.limits("public").put("new_connections_per_second_per_ip", 0).put("frames_per_second_per_ip", 0)
        .put("read_bytes_per_second_per_ip", 0);
    gateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @TestFactory
  Stream<DynamicTest> edge() {
    return cases().stream().map(c -> dynamicTest(c.name(), () -> run(gateway.edgePort(), c)));
  }

  /** The ingest listener upgrades through the same path; a sample of each section shows it. */
  @TestFactory
  Stream<DynamicTest> ingest() {
    return cases().stream()
        .filter(c -> List.of("1.1.2", "2.4", "3.1", "4.1.1", "5.6", "6.2.3", "6.3.1", "6.4.1", "7.3.2", "7.5.1",
            "9.1.1", "9.1.2", "9.2.2").contains(c.name().substring(0, c.name().indexOf(' '))))
        .map(c -> dynamicTest(c.name(), () -> run(gateway.ingestPort(), c)));
  }

  private static void run(int port, Case c) throws Exception {
    try (RawWebSocket client = new RawWebSocket(port)) {
      if (c.chunk() == 0) {
        client.sendRaw(c.wire());
      } else {
        for (int at = 0; at < c.wire().length; at += c.chunk()) {
          client.sendRaw(Arrays.copyOfRange(c.wire(), at, Math.min(c.wire().length, at + c.chunk())));
        }
      }
      c.expect().check(client);
    }
  }

  private static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    framing(cases);
    pingsAndPongs(cases);
    reservedBitsAndOpcodes(cases);
    fragmentation(cases);
    utf8(cases);
    closing(cases);
    limits(cases);
    return cases;
  }

  /** Section 1: text and binary messages of every length class (7-bit, 16-bit, 64-bit). */
  private static void framing(List<Case> cases) {
    int[] sizes = {0, 125, 126, 127, 128, 65535, 65536};
    for (int i = 0; i < sizes.length; i++) {
      int size = sizes[i];
      cases.add(new Case("1.1." + (i + 1) + " text of " + size + " bytes", frame(FIN | TEXT, command(size)), 0,
          size == 0 ? error("bad_request") : echoed(command(size))));
      cases.add(new Case("1.2." + (i + 1) + " binary of " + size + " bytes", frame(FIN | BINARY, new byte[size]), 0,
          error("bad_request")));
    }
    cases.add(new Case("1.1.8 text of 65536 bytes in 997-byte writes", frame(FIN | TEXT, command(65536)), 997,
        echoed(command(65536))));
  }

  /** Section 2: pings answered with their payload, control frames over 125 bytes refused, pongs ignored. */
  private static void pingsAndPongs(List<Case> cases) {
    byte[] hello = utf8("Hello, world!");
    byte[] binary = {0x00, (byte) 0xff, (byte) 0xfe, (byte) 0xfd, (byte) 0xfc, (byte) 0xfb, 0x00, (byte) 0xff};
    cases.add(new Case("2.1 ping without payload", frame(FIN | PING, new byte[0]), 0, pong(new byte[0])));
    cases.add(new Case("2.2 ping with text payload", frame(FIN | PING, hello), 0, pong(hello)));
    cases.add(new Case("2.3 ping with binary payload", frame(FIN | PING, binary), 0, pong(binary)));
    cases.add(new Case("2.4 ping of 125 bytes", frame(FIN | PING, filled(125)), 0, pong(filled(125))));
    cases.add(new Case("2.5 ping of 126 bytes", frame(FIN | PING, filled(126)), 0, fails(1002)));
    cases.add(new Case("2.6 ping of 125 bytes in 1-byte writes", frame(FIN | PING, filled(125)), 1,
        pong(filled(125))));
    cases.add(new Case("2.7 unsolicited pong", frame(FIN | PONG, new byte[0]), 0, alive()));
    cases.add(new Case("2.8 unsolicited pong with payload", frame(FIN | PONG, utf8("unsolicited")), 0, alive()));
    cases.add(new Case("2.9 unsolicited pong, then ping",
        cat(frame(FIN | PONG, utf8("unsolicited")), frame(FIN | PING, hello)), 0, pong(hello)));
    byte[] tenPings = new byte[0];
    Expect[] tenPongs = new Expect[10];
    for (int i = 0; i < 10; i++) {
      tenPings = cat(tenPings, frame(FIN | PING, utf8("ping " + i)));
      tenPongs[i] = pong(utf8("ping " + i));
    }
    cases.add(new Case("2.10 ten pings", tenPings, 0, all(tenPongs)));
    cases.add(new Case("2.11 ten pings in 1-byte writes", tenPings, 1, all(tenPongs)));
  }

  /** Sections 3 and 4: no extension is negotiated, so any reserved bit or opcode fails the connection. */
  private static void reservedBitsAndOpcodes(List<Case> cases) {
    cases.add(new Case("3.1 text with RSV 1", frame(FIN | 0x40 | TEXT, command(30)), 0, fails(1002)));
    cases.add(new Case("3.2 text, then text with RSV 2",
        cat(frame(FIN | TEXT, ping("before")), frame(FIN | 0x20 | TEXT, command(30))), 0,
        all(echoedId("before"), fails(1002))));
    cases.add(new Case("3.3 text with RSV 3", frame(FIN | 0x60 | TEXT, command(30)), 0, fails(1002)));
    cases.add(new Case("3.4 text with RSV 4 in 1-byte writes", frame(FIN | 0x10 | TEXT, command(30)), 1,
        fails(1002)));
    cases.add(new Case("3.5 binary with RSV 5", frame(FIN | 0x50 | BINARY, new byte[8]), 0, fails(1002)));
    cases.add(new Case("3.6 ping with RSV 6", frame(FIN | 0x60 | PING, utf8("rsv")), 0, fails(1002)));
    cases.add(new Case("3.7 close with RSV 7", frame(FIN | 0x70 | CLOSE, closePayload(1000, "")), 0,
        fails(1002)));
    int[] dataOpcodes = {3, 4, 5, 6, 7};
    for (int i = 0; i < dataOpcodes.length; i++) {
      cases.add(new Case("4.1." + (i + 1) + " reserved data opcode " + dataOpcodes[i],
          frame(FIN | dataOpcodes[i], utf8("reserved")), 0, fails(1002)));
    }
    int[] controlOpcodes = {0xB, 0xC, 0xD, 0xE, 0xF};
    for (int i = 0; i < controlOpcodes.length; i++) {
      cases.add(new Case("4.2." + (i + 1) + " reserved control opcode " + controlOpcodes[i],
          frame(FIN | controlOpcodes[i], utf8("reserved")), 0, fails(1002)));
    }
  }

  /** Section 5: fragments joined, control frames between them, continuations out of place refused. */
  private static void fragmentation(List<Case> cases) {
    byte[] message = ping("fragmented");
    byte[] first = Arrays.copyOfRange(message, 0, 10);
    byte[] rest = Arrays.copyOfRange(message, 10, message.length);
    cases.add(new Case("5.1 ping in two fragments",
        cat(frame(PING, utf8("frag")), frame(FIN, utf8("ment"))), 0, fails(1002)));
    cases.add(new Case("5.2 pong in two fragments",
        cat(frame(PONG, utf8("frag")), frame(FIN, utf8("ment"))), 0, fails(1002)));
    cases.add(new Case("5.3 text in two fragments", cat(frame(TEXT, first), frame(FIN, rest)), 0,
        echoedId("fragmented")));
    cases.add(new Case("5.4 text in two fragments, 1-byte writes", cat(frame(TEXT, first), frame(FIN, rest)), 1,
        echoedId("fragmented")));
    cases.add(new Case("5.6 text in two fragments with a ping between",
        cat(frame(TEXT, first), frame(FIN | PING, utf8("between")), frame(FIN, rest)), 0,
        all(pong(utf8("between")), echoedId("fragmented"))));
    cases.add(new Case("5.7 text in two fragments with an unsolicited pong between",
        cat(frame(TEXT, first), frame(FIN | PONG, utf8("between")), frame(FIN, rest)), 0,
        echoedId("fragmented")));
    cases.add(new Case("5.9 final continuation without a start", cat(frame(FIN, rest), frame(FIN | TEXT, message)),
        0, fails(1002)));
    cases.add(new Case("5.12 continuation without a start, not final", cat(frame(0, rest), frame(FIN | TEXT, message)),
        0, fails(1002)));
    cases.add(new Case("5.15 a new message before the last one ended",
        cat(frame(TEXT, first), frame(FIN | TEXT, message)), 0, fails(1002)));
    cases.add(new Case("5.16 a message started, never ended, then close",
        cat(frame(TEXT, first), frame(FIN | CLOSE, closePayload(1000, ""))), 0, closeEchoed(1000)));
    cases.add(new Case("5.17 a message started, then a binary one", cat(frame(TEXT, first), frame(FIN | BINARY, rest)),
        0, fails(1002)));
    byte[] five = new byte[0];
    Expect[] fivePongs = new Expect[5];
    for (int i = 0; i < 5; i++) {
      int from = i * message.length / 5;
      int to = (i + 1) * message.length / 5;
      five = cat(five, frame((i == 4 ? FIN : 0) | (i == 0 ? TEXT : 0), Arrays.copyOfRange(message, from, to)));
      if (i < 4) {
        five = cat(five, frame(FIN | PING, utf8("p" + i)));
      }
      fivePongs[i] = i < 4 ? pong(utf8("p" + i)) : echoedId("fragmented");
    }
    cases.add(new Case("5.19 five fragments with pings between", five, 0, all(fivePongs)));
    cases.add(new Case("5.20 five fragments with pings between, 1-byte writes", five, 1, all(fivePongs)));
  }

  /** Section 6: strict UTF-8 in text messages, whole and fragmented; anything else fails with 1007. */
  private static void utf8(List<Case> cases) {
    String[] valid = {"Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!!", "\u03ba\u1f79\u03c3\u03bc\u03b5",
        "\u0080", "\u07ff", "\u0800", "\uffff", "\ud800\udc00", "\udbff\udfff", "\ud7ff", "\ue000", "\ufffd",
        "\ufeff", "\ufffe"};
    for (int i = 0; i < valid.length; i++) {
      byte[] message = ping(valid[i]);
      cases.add(new Case("6.2." + (i + 1) + " valid UTF-8 " + codePoints(valid[i]), frame(FIN | TEXT, message), 0,
          echoedId(valid[i])));
      cases.add(new Case("6.5." + (i + 1) + " valid UTF-8 " + codePoints(valid[i]) + " fragmented at every byte",
          everyByte(message), 0, echoedId(valid[i])));
    }
    byte[][] invalid = {
        {(byte) 0xc0, (byte) 0xaf}, // overlong '/'
        {(byte) 0xe0, (byte) 0x80, (byte) 0xaf},
        {(byte) 0xf0, (byte) 0x80, (byte) 0x80, (byte) 0xaf},
        {(byte) 0xc1, (byte) 0xbf}, // the largest overlong forms
        {(byte) 0xe0, (byte) 0x9f, (byte) 0xbf},
        {(byte) 0xf0, (byte) 0x8f, (byte) 0xbf, (byte) 0xbf},
        {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // a lone high surrogate
        {(byte) 0xed, (byte) 0xbf, (byte) 0xbf}, // a lone low surrogate
        {(byte) 0xed, (byte) 0xa0, (byte) 0x80, (byte) 0xed, (byte) 0xb0, (byte) 0x80}, // a pair, CESU-8
        {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // U+110000
        {(byte) 0xf7, (byte) 0xbf, (byte) 0xbf, (byte) 0xbf},
        {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // 5 and 6-byte forms
        {(byte) 0xfc, (byte) 0x84, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        {(byte) 0x80}, // lone continuation bytes
        {(byte) 0xbf},
        {(byte) 0xc0, ' '}, // a lead byte followed by a space
        {(byte) 0xe2, (byte) 0x82}, // a sequence cut short
        {(byte) 0xfe}, {(byte) 0xff}};
    for (int i = 0; i < invalid.length; i++) {
      byte[] message = cat(utf8("{\"op\":\"ping\",\"id\":\"\u03ba\u1f79\u03c3\u03bc\u03b5"), invalid[i],
          utf8("edited\"}"));
      cases.add(new Case("6.3." + (i + 1) + " invalid " + hex(invalid[i]), frame(FIN | TEXT, message), 0,
          notice(1007)));
      cases.add(new Case("6.4." + (i + 1) + " invalid " + hex(invalid[i]) + " fragmented at every byte",
          everyByte(message), 0, notice(1007)));
    }
    // fail fast: the server refuses a message as soon as a fragment cannot be UTF-8, without its end
    cases.add(new Case("6.6.1 invalid in a fragment, message never ended",
        cat(frame(TEXT, utf8("{\"op\":\"ping\",\"id\":\"")), frame(0, new byte[] {(byte) 0xf4, (byte) 0x90})), 0,
        notice(1007)));
    cases.add(new Case("6.6.2 a code point cut by the end of the message",
        cat(frame(TEXT, utf8("{\"op\":\"ping\",\"id\":\"")), frame(FIN, new byte[] {(byte) 0xe2, (byte) 0x82})), 0,
        notice(1007)));
  }

  /** Section 7: the close handshake, close codes valid and invalid, close payloads. */
  private static void closing(List<Case> cases) {
    cases.add(new Case("7.1.1 close 1000", frame(FIN | CLOSE, closePayload(1000, "")), 0, closeEchoed(1000)));
    cases.add(new Case("7.1.2 close twice",
        cat(frame(FIN | CLOSE, closePayload(1000, "")), frame(FIN | CLOSE, closePayload(1000, ""))), 0,
        closeEchoed(1000)));
    cases.add(new Case("7.1.3 close, then ping",
        cat(frame(FIN | CLOSE, closePayload(1000, "")), frame(FIN | PING, utf8("after"))), 0, closeEchoed(1000)));
    cases.add(new Case("7.1.4 close, then text",
        cat(frame(FIN | CLOSE, closePayload(1000, "")), frame(FIN | TEXT, ping("after"))), 0, closeEchoed(1000)));
    cases.add(new Case("7.3.1 close without payload", frame(FIN | CLOSE, new byte[0]), 0, closeEchoed(-1)));
    cases.add(new Case("7.3.2 close with a 1-byte payload", frame(FIN | CLOSE, new byte[] {0x03}), 0, fails(1002)));
    cases.add(new Case("7.3.4 close 1000 with a reason", frame(FIN | CLOSE, closePayload(1000, "Hello World!")), 0,
        closeEchoed(1000)));
    cases.add(new Case("7.3.5 close 1000 with a 123-byte reason", frame(FIN | CLOSE, closePayload(1000,
        "*".repeat(123))), 0, closeEchoed(1000)));
    cases.add(new Case("7.3.6 close with a 124-byte reason", frame(FIN | CLOSE, closePayload(1000, "*".repeat(124))),
        0, fails(1002)));
    cases.add(new Case("7.5.1 close with a reason that is not UTF-8",
        frame(FIN | CLOSE, cat(closePayload(1000, ""), new byte[] {(byte) 0xce, (byte) 0xba, (byte) 0xed,
            (byte) 0xa0, (byte) 0x80})), 0, fails(1007)));
    int[] validCodes = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999};
    for (int i = 0; i < validCodes.length; i++) {
      cases.add(new Case("7.7." + (i + 1) + " close " + validCodes[i],
          frame(FIN | CLOSE, closePayload(validCodes[i], "")), 0, closeEchoed(validCodes[i])));
    }
    int[] invalidCodes = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999};
    for (int i = 0; i < invalidCodes.length; i++) {
      cases.add(new Case("7.9." + (i + 1) + " close " + invalidCodes[i],
          frame(FIN | CLOSE, closePayload(invalidCodes[i], "")), 0, fails(1002)));
    }
    // codes past 4999 are undefined (Autobahn: informational, echo or 1002); the gateway echoes them
    cases.add(new Case("7.13.1 close 5000", frame(FIN | CLOSE, closePayload(5000, "")), 0, closeEchoed(5000)));
    cases.add(new Case("7.13.2 close 65535", frame(FIN | CLOSE, closePayload(65535, "")), 0, closeEchoed(65535)));
  }

  /** Section 9 (sizes only): messages up to max_frame_bytes are handled, one byte more gets 1009. */
  private static void limits(List<Case> cases) {
    cases.add(new Case("9.1.1 text of max_frame_bytes", frame(FIN | TEXT, command(MAX)), 0, echoed(command(MAX))));
    cases.add(new Case("9.1.2 text of max_frame_bytes + 1", frame(FIN | TEXT, command(MAX + 1)), 0, notice(1009)));
    cases.add(new Case("9.1.3 binary of max_frame_bytes", frame(FIN | BINARY, new byte[MAX]), 0,
        error("bad_request")));
    cases.add(new Case("9.1.4 binary of max_frame_bytes + 1", frame(FIN | BINARY, new byte[MAX + 1]), 0,
        notice(1009)));
    int fragments = 16;
    int within = MAX - (fragments - 1) * FRAGMENT_OVERHEAD;
    cases.add(new Case("9.2.1 text in 16 fragments, within the limit with their overhead",
        fragmented(command(within), fragments), 0, echoed(command(within))));
    cases.add(new Case("9.2.2 text in 16 fragments, one byte over", fragmented(command(within + 1), fragments), 0,
        notice(1009)));
    cases.add(new Case("9.2.3 text of max_frame_bytes in 997-byte writes", frame(FIN | TEXT, command(MAX)), 997,
        echoed(command(MAX))));
  }

  // ---- expectations

  private static Expect all(Expect... steps) {
    return client -> {
      for (Expect step : steps) {
        step.check(client);
      }
    };
  }

  /** The reply to a ping command carries its id back. */
  private static Expect echoedId(String id) {
    return client -> {
      RawWebSocket.Frame frame = client.read();
      assertEquals(TEXT, frame.opcode(), frame.text());
      JsonObject reply = new JsonObject(frame.text());
      assertEquals("reply", reply.getString("type"), frame.text());
      assertEquals(id, reply.getString("id"));
    };
  }

  private static Expect echoed(byte[] command) {
    return echoedId(new JsonObject(new String(command, StandardCharsets.UTF_8)).getString("id"));
  }

  /** An error reply with this code, and the connection stays open. */
  private static Expect error(String code) {
    return all(client -> {
      RawWebSocket.Frame frame = client.read();
      JsonObject reply = new JsonObject(frame.text());
      assertEquals(code, reply.getJsonObject("error").getString("code"), frame.text());
    }, alive());
  }

  /** The connection still handles commands. */
  private static Expect alive() {
    return client -> {
      client.sendText("{\"op\":\"ping\",\"id\":\"alive\"}");
      echoedId("alive").check(client);
    };
  }

  private static Expect pong(byte[] payload) {
    return client -> {
      RawWebSocket.Frame frame = client.read();
      assertEquals(PONG, frame.opcode());
      assertArrayEquals(payload, frame.payload());
    };
  }

  /** A protocol error: the close frame at once, no notice, then the end of the TCP stream. */
  private static Expect fails(int code) {
    return client -> {
      RawWebSocket.Frame frame = client.read();
      assertEquals(CLOSE, frame.opcode(), () -> "not a close frame: " + frame.text());
      assertEquals(code, frame.closeCode());
      assertTrue(client.endOfStream());
    };
  }

  /** The session's disconnect notice, then its close frame; the client's answer ends the connection. */
  private static Expect notice(int code) {
    return client -> {
      RawWebSocket.Frame frame = client.read();
      assertEquals(code, new JsonObject(frame.text()).getInteger("code"), frame.text());
      RawWebSocket.Frame close = client.read();
      assertEquals(CLOSE, close.opcode());
      assertEquals(code, close.closeCode());
      client.sendClose(code);
      assertTrue(client.endOfStream());
    };
  }

  /** The client's close echoed with its status (none for none), then the end of the TCP stream. */
  private static Expect closeEchoed(int code) {
    return client -> {
      RawWebSocket.Frame frame = client.read();
      assertEquals(CLOSE, frame.opcode(), () -> "not a close frame: " + frame.text());
      if (code < 0) {
        assertEquals(0, frame.payload().length);
      } else {
        assertEquals(code, frame.closeCode());
      }
      assertTrue(client.endOfStream());
    };
  }

  // ---- frames

  private static byte[] frame(int first, byte[] payload) {
    return RawWebSocket.frame(first, payload);
  }

  /** A text message as {@code count} frames of about equal size. */
  private static byte[] fragmented(byte[] message, int count) {
    byte[] out = new byte[0];
    for (int i = 0; i < count; i++) {
      byte[] part = Arrays.copyOfRange(message, i * message.length / count, (i + 1) * message.length / count);
      out = cat(out, frame((i == count - 1 ? FIN : 0) | (i == 0 ? TEXT : 0), part));
    }
    return out;
  }

  /** A text message with one byte per frame. */
  private static byte[] everyByte(byte[] message) {
    return fragmented(message, message.length);
  }

  private static byte[] ping(String id) {
    return utf8(new JsonObject().put("op", "ping").put("id", id).encode());
  }

  /** A ping command of exactly {@code size} bytes (an empty frame for 0). */
  private static byte[] command(int size) {
    int bare = ping("").length;
    return size == 0 ? new byte[0] : ping("x".repeat(size - bare));
  }

  private static byte[] closePayload(int code, String reason) {
    return cat(new byte[] {(byte) (code >> 8), (byte) code}, utf8(reason));
  }

  private static byte[] filled(int size) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) 0xfe);
    return bytes;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append(out.length() == 0 ? "" : " ").append(String.format("%02x", b & 0xff));
    }
    return out.toString();
  }

  private static String codePoints(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints().forEach(cp -> out.append(out.length() == 0 ? "" : " ").append(String.format("U+%04X", cp)));
    return text.length() > 2 ? "'" + text.replaceAll("[^\\x20-\\x7e]", "?") + "'" : out.toString();
  }
}
