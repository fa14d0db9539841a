package stream.terminal.lastmile.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import stream.terminal.lastmile.protocol.json.NativeCodec;
import stream.terminal.lastmile.core.BadFrameException;
import stream.terminal.lastmile.core.PayloadFormat;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Dialect;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.Position;
import stream.terminal.lastmile.core.BacklogPage;
import stream.terminal.lastmile.core.Signature;
import stream.terminal.lastmile.core.Signed;

/** The native dialect's decoding and encoding, in memory. */
class NativeCodecTest {
  private static final NativeCodec CODEC = NativeCodec.INSTANCE;
  /** A plain reader for checking what the codec wrote: nothing of the codec's own mapper. */
  private static final ObjectMapper READER = new ObjectMapper();

  private static JsonNode read(String frame) throws Exception {
    return READER.readTree(frame);
  }

  private static BadFrameException refused(String frame) {
    return assertThrows(BadFrameException.class, () -> CODEC.decode(frame), frame);
  }

  // ---- decoding: every op ----

  @Test
  void decodesSubscribeWithAndWithoutSince() {
    assertEquals(new Command.Subscribe("1", "prices.btc", null),
        CODEC.decode("{\"op\":\"subscribe\",\"channel\":\"prices.btc\",\"id\":1}"));
    assertEquals(new Command.Subscribe("\"s\"", "c", new Position("ep0ch", 42)),
        CODEC.decode("{\"op\":\"subscribe\",\"channel\":\"c\",\"id\":\"s\",\"since\":{\"epoch\":\"ep0ch\",\"offset\":42}}"));
    assertEquals(new Command.Subscribe(null, "c", new Position("e", 0)),
        CODEC.decode("{\"op\":\"subscribe\",\"channel\":\"c\",\"since\":{\"epoch\":\"e\",\"offset\":0}}"));
    assertEquals(new Command.Subscribe(null, "c", null),
        CODEC.decode("{\"op\":\"subscribe\",\"channel\":\"c\",\"since\":null}"));
  }

  @Test
  void decodesTheSubscribeFormat() {
    assertEquals(new Command.Subscribe("1", "c", null, PayloadFormat.PROTOBUF),
        CODEC.decode("{\"op\":\"subscribe\",\"channel\":\"c\",\"id\":1,\"format\":\"protobuf\"}"));
    assertEquals(new Command.Subscribe("1", "c", null, PayloadFormat.JSON),
        CODEC.decode("{\"op\":\"subscribe\",\"channel\":\"c\",\"id\":1,\"format\":\"json\"}"));
    assertEquals(PayloadFormat.JSON,
        ((Command.Subscribe) CODEC.decode("{\"op\":\"subscribe\",\"channel\":\"c\",\"format\":null}")).format());
    for (String bad : new String[] {"\"xml\"", "\"PROTOBUF\"", "1", "true", "{}"}) {
      BadFrameException e = refused("{\"op\":\"subscribe\",\"channel\":\"c\",\"id\":7,\"format\":" + bad + "}");
      assertEquals(ErrorCode.BAD_REQUEST, e.code());
      assertEquals("7", e.idJson());
    }
  }

  @Test
  void decodesUnsubscribeCreateAndPing() {
    assertEquals(new Command.Unsubscribe("2", "c"), CODEC.decode("{\"op\":\"unsubscribe\",\"channel\":\"c\",\"id\":2}"));
    assertEquals(new Command.Create("3", "c"), CODEC.decode("{\"op\":\"create\",\"channel\":\"c\",\"id\":3}"));
    assertEquals(new Command.Ping("4"), CODEC.decode("{\"op\":\"ping\",\"id\":4}"));
    assertEquals(new Command.Ping(null), CODEC.decode("{\"op\":\"ping\"}"));
    assertNull(CODEC.decode("{\"op\":\"ping\"}").channel());
  }

  @Test
  void decodesPublishWithItsDataAsCompactJson() {
    assertEquals(new Command.Publish("5", "c", "{\"a\":[1,2,{\"b\":null}]}"),
        CODEC.decode("{ \"op\" : \"publish\", \"channel\" : \"c\", \"id\" : 5,\n \"data\" : { \"a\" : [ 1 , 2 , { \"b\" : null } ] } }"));
  }

  // ---- signed publishes ----

  private static final String SIG = "A".repeat(86); // 64 bytes as base64url without padding

  @Test
  void decodesASignedPublishsTimestampKeyIdAndSignature() {
    assertEquals(
        new Command.Publish("5", "c", "{\"a\":1}", new Signed(1_764_489_600_000L, new Signature("signer-1", SIG))),
        CODEC.decode("{\"op\":\"publish\",\"id\":5,\"channel\":\"c\",\"data\":{\"a\":1},"
            + "\"ts\":1764489600000,\"kid\":\"signer-1\",\"sig\":\"" + SIG + "\"}"));
  }

  @Test
  void anUnsignedPublishHasNoSignedPartAndNullFieldsCountAsAbsent() {
    assertNull(((Command.Publish) CODEC.decode("{\"op\":\"publish\",\"channel\":\"c\",\"data\":1}")).signed());
    assertNull(((Command.Publish) CODEC.decode(
        "{\"op\":\"publish\",\"channel\":\"c\",\"data\":1,\"ts\":null,\"kid\":null,\"sig\":null}")).signed());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // not all three
      "\"ts\":1764489600000",
      "\"kid\":\"k\",\"sig\":\"AAAA\"",
      "\"ts\":1764489600000,\"kid\":\"k\"",
      "\"ts\":1764489600000,\"kid\":null,\"sig\":\"AAAA\"",
      // ts: a positive integer
      "\"ts\":0,\"kid\":\"k\",\"sig\":\"AAAA\"",
      "\"ts\":-5,\"kid\":\"k\",\"sig\":\"AAAA\"",
      "\"ts\":1.5,\"kid\":\"k\",\"sig\":\"AAAA\"",
      "\"ts\":\"1764489600000\",\"kid\":\"k\",\"sig\":\"AAAA\"",
      "\"ts\":99999999999999999999,\"kid\":\"k\",\"sig\":\"AAAA\"",
      // kid: [A-Za-z0-9._-]{1,64}
      "\"ts\":1,\"kid\":\"\",\"sig\":\"AAAA\"",
      "\"ts\":1,\"kid\":\"a b\",\"sig\":\"AAAA\"",
      "\"ts\":1,\"kid\":\"k\\\"\",\"sig\":\"AAAA\"",
      "\"ts\":1,\"kid\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"sig\":\"AAAA\"",
      "\"ts\":1,\"kid\":7,\"sig\":\"AAAA\"",
      // sig: base64url without padding, at most 200 characters
      "\"ts\":1,\"kid\":\"k\",\"sig\":\"AAA=\"",
      "\"ts\":1,\"kid\":\"k\",\"sig\":\"AA+/\"",
      "\"ts\":1,\"kid\":\"k\",\"sig\":\"AAAAA\"",
      "\"ts\":1,\"kid\":\"k\",\"sig\":\"\"",
      "\"ts\":1,\"kid\":\"k\",\"sig\":[\"AAAA\"]",
  })
  void malformedOrPartialSignatureFieldsAreBadRequestAndKeepTheId(String fields) {
    BadFrameException e = refused("{\"op\":\"publish\",\"id\":9,\"channel\":\"c\",\"data\":1," + fields + "}");
    assertEquals(ErrorCode.BAD_REQUEST, e.code(), fields);
    assertEquals("9", e.idJson(), fields);
  }

  @Test
  void signaturesOfUpTo200CharactersAreAccepted() {
    String longest = "A".repeat(200);
    Command.Publish p = (Command.Publish) CODEC.decode("{\"op\":\"publish\",\"channel\":\"c\",\"data\":1,"
        + "\"ts\":1,\"kid\":\"" + "k".repeat(64) + "\",\"sig\":\"" + longest + "\"}");
    assertEquals(longest, p.signed().signature().sig());
    refused("{\"op\":\"publish\",\"channel\":\"c\",\"data\":1,\"ts\":1,\"kid\":\"k\",\"sig\":\"" + "A".repeat(204) + "\"}");
  }

  @Test
  void aSignedMessagesFrameCarriesKidAndSigAfterData() throws Exception {
    ChannelMessage m = new ChannelMessage("prices.btc", "ep0ch", 42, 1_764_489_600_000L, "{\"p\":1}",
        new Signature("signer-1", SIG));
    assertEquals(
        "{\"type\":\"message\",\"channel\":\"prices.btc\",\"offset\":42,\"epoch\":\"ep0ch\",\"data\":{\"p\":1},"
            + "\"kid\":\"signer-1\",\"sig\":\"" + SIG + "\",\"ts\":1764489600000}",
        CODEC.message(m));
  }

  @Test
  void historyPagesCarryEachMessagesSignature() throws Exception {
    BacklogPage page = new BacklogPage("e", 1, 2, List.of(
        new ChannelMessage("c", "e", 1, 10, "1", new Signature("k", SIG)),
        new ChannelMessage("c", "e", 2, 20, "2")));
    JsonNode messages = read(CODEC.page("c", page)).get("messages");
    assertEquals("k", messages.get(0).get("kid").textValue());
    assertEquals(SIG, messages.get(0).get("sig").textValue());
    assertFalse(messages.get(1).has("kid") || messages.get(1).has("sig"), messages.toString());
  }

  @Test
  void decodesHistoryWithSinceAndLimit() {
    assertEquals(new Command.History("6", "c", null, null), CODEC.decode("{\"op\":\"history\",\"channel\":\"c\",\"id\":6}"));
    assertEquals(new Command.History(null, "c", new Position("e", 7), 50),
        CODEC.decode("{\"op\":\"history\",\"channel\":\"c\",\"since\":{\"epoch\":\"e\",\"offset\":7},\"limit\":50}"));
    assertEquals(new Command.History(null, "c", null, null),
        CODEC.decode("{\"op\":\"history\",\"channel\":\"c\",\"limit\":null}"));
    assertEquals(1, ((Command.History) CODEC.decode("{\"op\":\"history\",\"channel\":\"c\",\"limit\":1}")).limit());
  }

  @Test
  void recognisesOnlyObjectsWithAnOp() throws Exception {
    assertTrue(NativeCodec.recognises(read("{\"op\":\"ping\"}")));
    assertTrue(NativeCodec.recognises(read("{\"op\":5}")));
    assertFalse(NativeCodec.recognises(read("{\"Subscribe\":\"c\"}")));
    assertFalse(NativeCodec.recognises(read("[{\"op\":\"ping\"}]")));
    assertEquals(Dialect.NATIVE, CODEC.dialect());
  }

  // ---- decoding: ids ----

  @Test
  void idIsKeptAsItsJsonText() {
    assertEquals("\"req-7\"", CODEC.decode("{\"op\":\"ping\",\"id\":\"req-7\"}").idJson());
    assertEquals("\"with \\\"quote\\\"\"", CODEC.decode("{\"op\":\"ping\",\"id\":\"with \\\"quote\\\"\"}").idJson());
    assertEquals("12", CODEC.decode("{\"op\":\"ping\",\"id\":12}").idJson());
    assertEquals("-3", CODEC.decode("{\"op\":\"ping\",\"id\":-3}").idJson());
    assertEquals("12.5", CODEC.decode("{\"op\":\"ping\",\"id\":12.5}").idJson());
    assertEquals("1.50", CODEC.decode("{\"op\":\"ping\",\"id\":1.50}").idJson());
    assertEquals("123456789012345678901234567890",
        CODEC.decode("{\"op\":\"ping\",\"id\":123456789012345678901234567890}").idJson());
  }

  @Test
  void absentOrNullIdIsNull() {
    assertNull(CODEC.decode("{\"op\":\"ping\"}").idJson());
    assertNull(CODEC.decode("{\"op\":\"ping\",\"id\":null}").idJson());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\":1}", "[1]", "true", "false"})
  void idThatIsNotStringOrNumberIsBadRequestWithoutId(String id) {
    BadFrameException e = refused("{\"op\":\"ping\",\"id\":" + id + "}");
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertNull(e.idJson());
    assertTrue(e.getMessage().contains("'id'"), e.getMessage());
  }

  // ---- decoding: data of every JSON type ----

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"text\"",
        "\"\"",
        "0",
        "42",
        "-7",
        "123456789012345678901234567890",
        "1.100000000000000000001",
        "1.10",
        "10.0",
        "0.000",
        "-2.5",
        "1E+400",
        "1E-400",
        "true",
        "false",
        "null",
        "[]",
        "{}",
        "[1,\"two\",null,{\"x\":[true]}]",
        "{\"k\":\"é✓ 中文 😀\"}",
        "\"\\\"quoted\\\" back\\\\slash \\n\\t\\u0001\"",
        "{\"price\":1.10,\"qty\":10.0}"
      })
  void dataOfEveryJsonTypeIsKeptExactly(String data) {
    Command.Publish p = (Command.Publish) CODEC.decode("{\"op\":\"publish\",\"channel\":\"c\",\"data\":" + data + "}");
    assertEquals(data, p.data());
  }

  @Test
  void dataLosesOnlyItsWhitespace() {
    Command.Publish p = (Command.Publish) CODEC.decode(
        "{\"op\":\"publish\",\"channel\":\"c\",\"data\":\n  {\"a\" :  [ 1 ,\t2.50 ] , \"s\" : \" keep  spaces \" }\n}");
    assertEquals("{\"a\":[1,2.50],\"s\":\" keep  spaces \"}", p.data());
  }

  @Test
  void bigNumbersKeepTheirValue() throws Exception {
    Command.Publish p = (Command.Publish) CODEC.decode("{\"op\":\"publish\",\"channel\":\"c\",\"data\":1e400}");
    assertEquals(0, new BigDecimal("1e400").compareTo(new BigDecimal(p.data())), p.data());
    Command.Publish precise = (Command.Publish) CODEC.decode(
        "{\"op\":\"publish\",\"channel\":\"c\",\"data\":{\"p\":1.100000000000000000001}}");
    assertEquals("{\"p\":1.100000000000000000001}", precise.data());
  }

  @Test
  void unicodeDataSurvivesEscapedOrRaw() {
    Command.Publish escaped = (Command.Publish) CODEC.decode(
        "{\"op\":\"publish\",\"channel\":\"c\",\"data\":\"\\u00e9\\u2713\\ud83d\\ude00\"}");
    assertEquals("\"é✓😀\"", escaped.data());
  }

  // ---- decoding: errors ----

  @ParameterizedTest
  @ValueSource(strings = {"not json", "{\"op\":", "", "   ", "{'op':'ping'}"})
  void frameThatIsNotJsonIsBadRequest(String frame) {
    BadFrameException e = refused(frame);
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertNull(e.idJson());
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1,2]", "\"ping\"", "42", "null", "true"})
  void frameThatIsNotAnObjectIsBadRequest(String frame) {
    BadFrameException e = refused(frame);
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertNull(e.idJson());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"op\":\"ping\"} trailing", "{\"op\":\"ping\"}{}", "{\"op\":\"ping\"} 1", "{\"op\":\"ping\"}]"})
  void trailingGarbageAfterTheObjectIsBadRequest(String frame) {
    assertEquals(ErrorCode.BAD_REQUEST, refused(frame).code());
  }

  @Test
  void missingOpIsBadRequestAndKeepsTheId() {
    BadFrameException e = refused("{\"id\":3,\"channel\":\"c\"}");
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertEquals("3", e.idJson());
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "null", "[\"ping\"]", "{\"name\":\"ping\"}", "true"})
  void nonStringOpIsBadRequestAndKeepsTheId(String op) {
    BadFrameException e = refused("{\"op\":" + op + ",\"id\":\"x\"}");
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertEquals("\"x\"", e.idJson());
  }

  @Test
  void unknownOpIsUnknownOpAndKeepsTheId() {
    BadFrameException e = refused("{\"op\":\"explode\",\"id\":4}");
    assertEquals(ErrorCode.UNKNOWN_OP, e.code());
    assertEquals("4", e.idJson());
    assertTrue(e.getMessage().contains("explode"), e.getMessage());
    // op names are case-sensitive
    assertEquals(ErrorCode.UNKNOWN_OP, refused("{\"op\":\"Subscribe\",\"channel\":\"c\"}").code());
  }

  @ParameterizedTest
  @ValueSource(strings = {"subscribe", "unsubscribe", "create", "publish", "history"})
  void channelMustBeAString(String op) {
    for (String channel : new String[] {"5", "null", "[\"c\"]", "{\"name\":\"c\"}", "true"}) {
      BadFrameException e = refused("{\"op\":\"" + op + "\",\"channel\":" + channel + ",\"data\":1,\"id\":9}");
      assertEquals(ErrorCode.BAD_REQUEST, e.code(), op + " with channel " + channel);
      assertEquals("9", e.idJson());
    }
    BadFrameException missing = refused("{\"op\":\"" + op + "\",\"data\":1,\"id\":9}");
    assertEquals(ErrorCode.BAD_REQUEST, missing.code());
    assertEquals("9", missing.idJson());
  }

  @Test
  void publishWithoutDataIsBadRequest() {
    BadFrameException e = refused("{\"op\":\"publish\",\"channel\":\"c\",\"id\":1}");
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertEquals("1", e.idJson());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"offset\":1}",
        "{\"epoch\":null,\"offset\":1}",
        "{\"epoch\":5,\"offset\":1}",
        "{\"epoch\":\"e\"}",
        "{\"epoch\":\"e\",\"offset\":-1}",
        "{\"epoch\":\"e\",\"offset\":1.5}",
        "{\"epoch\":\"e\",\"offset\":1.0}",
        "{\"epoch\":\"e\",\"offset\":\"1\"}",
        "{\"epoch\":\"e\",\"offset\":null}",
        "{\"epoch\":\"e\",\"offset\":123456789012345678901234567890}",
        "\"e:1\"",
        "5",
        "[\"e\",1]"
      })
  void invalidSinceIsBadRequest(String since) {
    for (String op : new String[] {"subscribe", "history"}) {
      BadFrameException e = refused("{\"op\":\"" + op + "\",\"channel\":\"c\",\"id\":8,\"since\":" + since + "}");
      assertEquals(ErrorCode.BAD_REQUEST, e.code(), op + " since " + since);
      assertEquals("8", e.idJson());
      assertTrue(e.getMessage().contains("'since'"), e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "1.5", "\"10\"", "true", "[10]", "2147483648"})
  void invalidLimitIsBadRequest(String limit) {
    BadFrameException e = refused("{\"op\":\"history\",\"channel\":\"c\",\"id\":\"h\",\"limit\":" + limit + "}");
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertEquals("\"h\"", e.idJson());
    assertTrue(e.getMessage().contains("'limit'"), e.getMessage());
  }

  // ---- encoding ----

  @Test
  void resultFrameEchoesTheIdAndCarriesTheResult() throws Exception {
    Command command = CODEC.decode("{\"op\":\"create\",\"channel\":\"c\",\"id\":7}");
    String frame = CODEC.result(command, new JsonObject().put("channel", "c").put("epoch", "e1"));
    assertEquals("{\"type\":\"reply\",\"id\":7,\"result\":{\"channel\":\"c\",\"epoch\":\"e1\"}}", frame);
    JsonNode parsed = read(frame);
    assertEquals("reply", parsed.get("type").textValue());
    assertEquals(7, parsed.get("id").intValue());
    assertEquals("e1", parsed.get("result").get("epoch").textValue());
    assertFalse(parsed.has("error"));
  }

  @Test
  void resultFrameKeepsStringAndDecimalIdsVerbatimAndWritesNullWithoutOne() throws Exception {
    assertEquals("{\"type\":\"reply\",\"id\":\"a\\\"b\",\"result\":{}}",
        CODEC.result(CODEC.decode("{\"op\":\"ping\",\"id\":\"a\\\"b\"}"), new JsonObject()));
    assertEquals("a\"b", read(CODEC.result(CODEC.decode("{\"op\":\"ping\",\"id\":\"a\\\"b\"}"), new JsonObject()))
        .get("id").textValue());
    assertEquals("{\"type\":\"reply\",\"id\":1.50,\"result\":{}}",
        CODEC.result(CODEC.decode("{\"op\":\"ping\",\"id\":1.50}"), new JsonObject()));
    String noId = CODEC.result(CODEC.decode("{\"op\":\"ping\"}"), new JsonObject());
    assertEquals("{\"type\":\"reply\",\"id\":null,\"result\":{}}", noId);
    assertTrue(read(noId).get("id").isNull());
  }

  @Test
  void errorFrameCarriesCodeAndMessage() throws Exception {
    String frame = CODEC.error("7", null, new GatewayException(ErrorCode.CHANNEL_NOT_FOUND, "no such channel: c"));
    assertEquals(
        "{\"type\":\"reply\",\"id\":7,\"error\":{\"code\":\"channel_not_found\",\"message\":\"no such channel: c\"}}",
        frame);
    JsonNode parsed = read(frame);
    assertEquals("reply", parsed.get("type").textValue());
    assertEquals(7, parsed.get("id").intValue());
    assertEquals("channel_not_found", parsed.get("error").get("code").textValue());
    assertEquals("no such channel: c", parsed.get("error").get("message").textValue());
    assertFalse(parsed.has("result"));
  }

  @Test
  void errorFrameWithoutIdHasNullIdAndEscapesItsMessage() throws Exception {
    String message = "bad \"name\" \\ here\n\u0001";
    String frame = CODEC.error(null, null, new GatewayException(ErrorCode.BAD_REQUEST, message));
    JsonNode parsed = read(frame);
    assertTrue(parsed.get("id").isNull());
    assertEquals("bad_request", parsed.get("error").get("code").textValue());
    assertEquals(message, parsed.get("error").get("message").textValue());
  }

  @Test
  void everyErrorCodeIsWrittenAsItsStableWireName() throws Exception {
    for (ErrorCode code : ErrorCode.values()) {
      JsonNode parsed = read(CODEC.error("1", null, new GatewayException(code, "m")));
      assertEquals(code.wire(), parsed.get("error").get("code").textValue());
    }
  }

  @Test
  void messageFrameIsExact() throws Exception {
    ChannelMessage m = new ChannelMessage("prices.btc", "ep0ch", 42, 1_700_000_000_123L, "{\"p\":1.10}");
    String frame = CODEC.message(m);
    assertEquals(
        "{\"type\":\"message\",\"channel\":\"prices.btc\",\"offset\":42,\"epoch\":\"ep0ch\",\"data\":{\"p\":1.10},"
            + "\"ts\":1700000000123}",
        frame);
    JsonNode parsed = read(frame);
    assertEquals("message", parsed.get("type").textValue());
    assertEquals("prices.btc", parsed.get("channel").textValue());
    assertEquals(42, parsed.get("offset").longValue());
    assertEquals("ep0ch", parsed.get("epoch").textValue());
    assertEquals(1_700_000_000_123L, parsed.get("ts").longValue());
    assertEquals(0, new BigDecimal("1.10").compareTo(parsed.get("data").get("p").decimalValue()));
  }

  @Test
  void messageFrameEscapesChannelAndEpochText() throws Exception {
    String channel = "a\"b\\c\nd\u0001e";
    String epoch = "\"ep\\och\t";
    String frame = CODEC.message(new ChannelMessage(channel, epoch, 1, 2, "\"x\\\"y\""));
    JsonNode parsed = read(frame);
    assertEquals(channel, parsed.get("channel").textValue());
    assertEquals(epoch, parsed.get("epoch").textValue());
    assertEquals("x\"y", parsed.get("data").textValue());
    assertFalse(frame.contains("\n") || frame.contains("\t") || frame.contains("\u0001"), frame);
  }

  @Test
  void decodedDataFitsUnchangedIntoAMessageFrame() throws Exception {
    String data = "{\"t\":\"line1\\nline2 \\\"q\\\" \\\\ \\u0000\",\"n\":1E+400,\"u\":\"é✓\"}";
    Command.Publish p = (Command.Publish) CODEC.decode("{\"op\":\"publish\",\"channel\":\"c\",\"data\":" + data + "}");
    String frame = CODEC.message(new ChannelMessage("c", "e", 1, 2, p.data()));
    JsonNode parsed = read(frame);
    assertEquals("line1\nline2 \"q\" \\ \u0000", parsed.get("data").get("t").textValue());
    assertEquals("é✓", parsed.get("data").get("u").textValue());
    assertTrue(frame.contains("\"data\":" + data + ","), frame);
  }

  @Test
  void disconnectFramesAreExact() throws Exception {
    assertEquals("{\"type\":\"disconnect\",\"code\":4000,\"reason\":\"server shutting down\",\"reconnect\":true}",
        CODEC.disconnect(Disconnect.SHUTDOWN));
    assertEquals("{\"type\":\"disconnect\",\"code\":1009,\"reason\":\"message too big\",\"reconnect\":false}",
        CODEC.disconnect(Disconnect.MESSAGE_TOO_BIG));
    for (Disconnect d : Disconnect.values()) {
      JsonNode parsed = read(CODEC.disconnect(d));
      assertEquals("disconnect", parsed.get("type").textValue());
      assertEquals(d.code(), parsed.get("code").intValue());
      assertEquals(d.reason(), parsed.get("reason").textValue());
      assertEquals(d.reconnect(), parsed.get("reconnect").booleanValue());
      assertTrue(parsed.get("reconnect").isBoolean());
      if (d != Disconnect.MESSAGE_TOO_BIG && d != Disconnect.INVALID_UTF8) {
        assertTrue(d.code() >= 4000 && d.code() <= 4999);
        assertEquals(d.code() < 4500, d.reconnect(), d + ": 4000-4499 reconnect, 4500-4999 do not");
      }
    }
  }
}
