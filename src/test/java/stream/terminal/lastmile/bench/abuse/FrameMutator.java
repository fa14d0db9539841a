package stream.terminal.lastmile.bench.abuse;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import stream.terminal.lastmile.bench.WsConnection;

/**
 * Random and mutated client frames over both dialects (native {@code {"op":...}} and legacy TSLM
 * {@code {"Subscribe":...}}): valid commands with odd channel names, flipped and inserted bytes, truncations,
 * wrong types, deep nesting, huge numbers, invalid UTF-8, binary frames, and now and then a frame that breaks
 * RFC 6455 itself (reserved bits and opcodes, an oversized or fragmented control frame). Seeded: a run can be
 * repeated.
 */
final class FrameMutator {
  private static final List<String> NATIVE = List.of(
      "{\"op\":\"subscribe\",\"channel\":\"%s\",\"id\":%d}",
      "{\"op\":\"subscribe\",\"channel\":\"%s\",\"since\":{\"epoch\":\"e\",\"offset\":%d}}",
      "{\"op\":\"unsubscribe\",\"channel\":\"%s\",\"id\":%d}",
      "{\"op\":\"history\",\"channel\":\"%s\",\"limit\":%d}",
      "{\"op\":\"publish\",\"channel\":\"%s\",\"data\":{\"n\":%d}}",
      "{\"op\":\"create\",\"channel\":\"%s\",\"id\":%d}",
      "{\"op\":\"ping\",\"id\":\"%s%d\"}");
  private static final List<String> LEGACY = List.of(
      "{\"Subscribe\":\"%s\"}%d",
      "{\"Unsubscribe\":\"%s\"}%d",
      "{\"CreateChannel\":\"%s\"}%d",
      "{\"NotifyChannel\":[\"%s\",{\"Text\":\"%d\"}]}",
      "{\"NotifyChannel\":[\"%s\",{\"Json\":{\"n\":%d}}]}");
  private static final List<String> TOKENS = List.of(
      "null", "[]", "{}", "1e999", "-0", "\"\\u0000\"", "true", "\"\\ud800\"", "99999999999999999999999", ",", "\"",
      "{\"op\":", "]", "}", "-1", "1.5", "\"op\"", "\"Subscribe\"");
  private static final List<String> NAMES = List.of(
      "abuse.fuzz", "", ".", "a..b", "*", "#", "é", "💥", "x".repeat(300), "abuse.steady", "abuse.history", "a/b",
      "\\u0000", " ", "%00");

  private final SplittableRandom random;

  FrameMutator(long seed) {
    random = new SplittableRandom(seed);
  }

  /** The first frame of a connection: a valid command that fixes its dialect. */
  Buffer opening(boolean legacy) {
    String text = legacy ? "{\"Subscribe\":\"abuse.fuzz\"}" : "{\"op\":\"subscribe\",\"channel\":\"abuse.fuzz\",\"id\":0}";
    return WsConnection.masked(1, Buffer.buffer(text));
  }

  /** A data frame, mostly of the connection's dialect, mutated one way or another. */
  Buffer next(boolean legacy) {
    String text = command(random.nextInt(5) == 0 ? !legacy : legacy);
    return switch (random.nextInt(12)) {
      case 0 -> text(text);
      case 1 -> text(flip(text.getBytes(StandardCharsets.UTF_8)));
      case 2 -> text(text.substring(0, random.nextInt(text.length() + 1)));
      case 3 -> text(insert(text, pick(TOKENS)));
      case 4 -> text(text.replaceFirst("\"[^\"]*\"(?=[,}\\]])", pick(TOKENS)));
      case 5 -> text("[".repeat(2 + random.nextInt(4000)));
      case 6 -> text("{\"op\":\"publish\",\"channel\":\"abuse.fuzz\",\"data\":" + "[".repeat(random.nextInt(3000)) + "1}");
      case 7 -> text(text.replaceFirst("\\{", "{\"op\":\"ping\",\"Subscribe\":\"x\","));
      case 8 -> WsConnection.masked(1, Buffer.buffer(new byte[] {'{', (byte) 0xc3, 0x28, (byte) 0xff, '}'}));
      case 9 -> WsConnection.masked(2, Buffer.buffer(text));
      case 10 -> text(randomText(1 + random.nextInt(200)));
      default -> text("");
    };
  }

  /** A frame that breaks the framing rules; the server may close the connection on it. */
  Buffer protocolViolation() {
    return switch (random.nextInt(4)) {
      case 0 -> WsConnection.masked(0x80 | 3, Buffer.buffer("reserved opcode"));
      case 1 -> WsConnection.masked(0x80 | 0x40 | 1, Buffer.buffer("{\"op\":\"ping\"}")); // RSV1 without extension
      case 2 -> WsConnection.masked(0x80 | 9, Buffer.buffer("p".repeat(126))); // control frame over 125 bytes
      default -> WsConnection.masked(9, false, Buffer.buffer("fragmented ping"));
    };
  }

  private String command(boolean legacy) {
    List<String> templates = legacy ? LEGACY : NATIVE;
    String template = templates.get(random.nextInt(templates.size()));
    long number = random.nextInt(4) == 0 ? random.nextLong() : random.nextInt(2000);
    return String.format(java.util.Locale.ROOT, template, pick(NAMES), number);
  }

  private String pick(List<String> values) {
    return values.get(random.nextInt(values.size()));
  }

  private String insert(String text, String token) {
    int at = random.nextInt(text.length() + 1);
    return text.substring(0, at) + token + text.substring(at);
  }

  private String flip(byte[] bytes) {
    for (int i = 1 + random.nextInt(3); i > 0 && bytes.length > 0; i--) {
      int at = random.nextInt(bytes.length);
      bytes[at] = (byte) (32 + random.nextInt(95)); // printable: this mutation keeps valid UTF-8
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private String randomText(int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.appendCodePoint(random.nextInt(8) == 0 ? 0x80 + random.nextInt(0x2000) : 32 + random.nextInt(95));
    }
    return text.toString();
  }

  private static Buffer text(String text) {
    return WsConnection.masked(1, Buffer.buffer(text));
  }

  /** A random HTTP request, for the ingest API or the edge's HTTP surface alike. */
  HttpCase http() {
    String[] methods = {"GET", "PUT", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"};
    String method = methods[random.nextInt(methods.length)];
    String channel = random.nextInt(3) == 0 ? pathNoise() : pick(List.of("abuse.fuzz", "abuse.fuzz2", "a..b", "x".repeat(300)));
    String path = switch (random.nextInt(6)) {
      case 0 -> "/channels/" + channel;
      case 1, 2 -> "/channels/" + channel + "/messages" + (random.nextBoolean() ? "?since=" + random.nextLong() + "&limit=" + random.nextInt() : "");
      case 3 -> "/channels" + (random.nextBoolean() ? "" : "?" + pathNoise());
      case 4 -> pick(List.of("/ws", "/", "/metrics", "/health", "/ready", "/sse?channel=abuse.fuzz", "/eventbus/info"));
      default -> "/" + pathNoise();
    };
    String contentType = pick(List.of("application/json", "text/plain", "application/x-www-form-urlencoded",
        "application/vnd.x+json", "multipart/form-data; boundary=x", "application/json; charset=latin1", "", "*/*"));
    String body = switch (random.nextInt(4)) {
      case 0 -> "";
      case 1 -> command(false);
      case 2 -> insert(command(random.nextBoolean()), pick(TOKENS));
      default -> randomText(random.nextInt(2000));
    };
    String header = "X-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    return new HttpCase(method, path, contentType, header, randomText(random.nextInt(100)).replaceAll("[^ -~]", "?"),
        body);
  }

  /** Path characters, some percent-encoded, some that routers treat specially. */
  private String pathNoise() {
    StringBuilder path = new StringBuilder();
    for (int i = random.nextInt(40); i > 0; i--) {
      switch (random.nextInt(6)) {
        case 0 -> path.append('%').append(String.format("%02X", random.nextInt(256)));
        case 1 -> path.append(pick(List.of("/", "..", ".", "//", ";", "%2e%2e/", "*")));
        default -> path.append((char) ('a' + random.nextInt(26)));
      }
    }
    return path.toString();
  }

  record HttpCase(String method, String path, String contentType, String header, String headerValue, String body) {}
}
