package stream.terminal.lastmile.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import stream.terminal.lastmile.protocol.json.NativeCodec;
import stream.terminal.lastmile.protocol.legacy.LegacyCodec;
import stream.terminal.lastmile.core.BadFrameException;
import stream.terminal.lastmile.core.ChannelMessage;
import stream.terminal.lastmile.core.Signature;
import stream.terminal.lastmile.core.Dialect;
import stream.terminal.lastmile.core.Disconnect;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;

/** TSLM's enum-shaped dialect, in memory: what it recognises, decodes and writes. */
class LegacyCodecTest {
  private static final LegacyCodec CODEC = LegacyCodec.INSTANCE;
  private static final ObjectMapper READER = new ObjectMapper();

  private static JsonNode read(String text) throws Exception {
    return READER.readTree(text);
  }

  private static BadFrameException refused(String frame) {
    return assertThrows(BadFrameException.class, () -> CODEC.decode(frame), frame);
  }

  // ---- recognition ----

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"CreateChannel\":\"c\"}",
        "{\"Subscribe\":\"c\"}",
        "{\"Unsubscribe\":\"c\"}",
        "{\"NotifyChannel\":[\"c\",{\"Text\":\"hi\"}]}",
        // recognised by shape; the value is checked when decoding
        "{\"Subscribe\":5}"
      })
  void recognisesSingleKeyTslmVariants(String frame) throws Exception {
    assertTrue(LegacyCodec.recognises(read(frame)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"op\":\"subscribe\",\"channel\":\"c\"}",
        "{\"op\":\"Subscribe\"}",
        "{\"Subscribe\":\"c\",\"id\":1}",
        "{\"Subscribe\":\"a\",\"Unsubscribe\":\"b\"}",
        "[{\"Subscribe\":\"c\"}]",
        "[\"Subscribe\",\"c\"]",
        "{}",
        "{\"subscribe\":\"c\"}",
        "{\"Publish\":\"c\"}",
        "\"Subscribe\"",
        "null"
      })
  void doesNotRecogniseOtherShapes(String frame) throws Exception {
    assertFalse(LegacyCodec.recognises(read(frame)));
  }

  // ---- decoding ----

  @Test
  void decodesCreateSubscribeAndUnsubscribeWithoutIds() {
    assertEquals(new Command.Create(null, "c"), CODEC.decode("{\"CreateChannel\":\"c\"}"));
    assertEquals(new Command.Subscribe(null, "prices.btc", null), CODEC.decode("{\"Subscribe\":\"prices.btc\"}"));
    assertEquals(new Command.Unsubscribe(null, "c"), CODEC.decode("{\"Unsubscribe\":\"c\"}"));
    assertEquals(Dialect.LEGACY, CODEC.dialect());
  }

  @Test
  void notifyChannelTextBecomesAJsonString() {
    assertEquals(new Command.Publish(null, "c", "\"hi\""), CODEC.decode("{\"NotifyChannel\":[\"c\",{\"Text\":\"hi\"}]}"));
    assertEquals(new Command.Publish(null, "c", "\"say \\\"hi\\\"\\n\""),
        CODEC.decode("{\"NotifyChannel\":[\"c\",{\"Text\":\"say \\\"hi\\\"\\n\"}]}"));
    assertEquals(new Command.Publish(null, "c", "\"\""), CODEC.decode("{\"NotifyChannel\":[\"c\",{\"Text\":\"\"}]}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"a\":1,\"b\":[true,null]}",
        "[1,\"two\",{\"x\":3}]",
        "42",
        "1.10",
        "1.100000000000000000001",
        "null",
        "true",
        "\"a json string\"",
        "{}"
      })
  void notifyChannelJsonKeepsTheValueExactly(String value) {
    Command.Publish p = (Command.Publish) CODEC.decode("{\"NotifyChannel\":[\"c\",{\"Json\":" + value + "}]}");
    assertEquals("c", p.channel());
    assertEquals(value, p.data());
    assertNull(p.idJson());
  }

  @Test
  void notifyChannelJsonLosesOnlyWhitespace() {
    Command.Publish p = (Command.Publish) CODEC.decode("{\"NotifyChannel\": [ \"c\" , {\"Json\": { \"a\" : [ 1 , 2 ] } } ] }");
    assertEquals("{\"a\":[1,2]}", p.data());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"Subscribe\":5}", "{\"Subscribe\":null}", "{\"CreateChannel\":[\"c\"]}",
      "{\"Unsubscribe\":{\"c\":1}}", "{\"CreateChannel\":true}"})
  void channelNameThatIsNotAStringIsBadRequest(String frame) {
    BadFrameException e = refused(frame);
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertNull(e.idJson());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"NotifyChannel\":[\"c\"]}",
        "{\"NotifyChannel\":[\"c\",{\"Text\":\"hi\"},1]}",
        "{\"NotifyChannel\":[]}",
        "{\"NotifyChannel\":\"c\"}",
        "{\"NotifyChannel\":{\"c\":{\"Text\":\"hi\"}}}",
        "{\"NotifyChannel\":[5,{\"Text\":\"hi\"}]}"
      })
  void notifyChannelWithWrongArityOrShapeIsBadRequest(String frame) {
    BadFrameException e = refused(frame);
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertTrue(e.getMessage().contains("NotifyChannel"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"hi\"",
        "{\"Binary\":\"aGk=\"}",
        "{\"text\":\"hi\"}",
        "{\"Text\":\"hi\",\"Json\":1}",
        "{}",
        "[\"Text\",\"hi\"]",
        "null"
      })
  void payloadThatIsNotTextOrJsonIsBadRequest(String payload) {
    BadFrameException e = refused("{\"NotifyChannel\":[\"c\"," + payload + "]}");
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertTrue(e.getMessage().contains("Text") && e.getMessage().contains("Json"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "null", "{\"s\":\"hi\"}", "[\"hi\"]", "true"})
  void textPayloadThatIsNotAStringIsBadRequest(String text) {
    assertEquals(ErrorCode.BAD_REQUEST, refused("{\"NotifyChannel\":[\"c\",{\"Text\":" + text + "}]}").code());
  }

  @Test
  void framesThatAreNotJsonOrNotLegacyAreRefused() {
    assertEquals(ErrorCode.BAD_REQUEST, refused("not json").code());
    assertEquals(ErrorCode.BAD_REQUEST, refused("{\"Subscribe\":\"c\"} extra").code());
    assertEquals(ErrorCode.UNKNOWN_OP, refused("{\"op\":\"subscribe\",\"channel\":\"c\"}").code());
    assertEquals(ErrorCode.UNKNOWN_OP, refused("{\"Publish\":\"c\"}").code());
  }

  // ---- encoding ----

  @Test
  void successTextsNameTheCommandAndChannel() throws Exception {
    JsonObject any = new JsonObject().put("channel", "c").put("epoch", "e");
    assertEquals("{\"Success\":\"Channel c created\"}", CODEC.result(new Command.Create(null, "c"), any));
    assertEquals("{\"Success\":\"Subscribed to c\"}", CODEC.result(new Command.Subscribe(null, "c", null), any));
    assertEquals("{\"Success\":\"Unsubscribed from c\"}", CODEC.result(new Command.Unsubscribe(null, "c"), any));
    assertEquals("{\"Success\":\"Channel c notified\"}", CODEC.result(new Command.Publish(null, "c", "1"), any));
    assertEquals("{\"Success\":\"OK\"}", CODEC.result(new Command.Ping(null), new JsonObject()));
    JsonNode parsed = read(CODEC.result(new Command.Create(null, "q\"uote"), any));
    assertEquals(1, parsed.size());
    assertEquals("Channel q\"uote created", parsed.get("Success").textValue());
  }

  @Test
  void errorTextIsCodeThenMessage() throws Exception {
    String frame = CODEC.error(null, null, new GatewayException(ErrorCode.CHANNEL_NOT_FOUND, "no such channel: c"));
    assertEquals("{\"Error\":\"channel_not_found: no such channel: c\"}", frame);
    String escaped = CODEC.error("1", null, new GatewayException(ErrorCode.BAD_REQUEST, "a \"b\" \\ \n"));
    JsonNode parsed = read(escaped);
    assertEquals(1, parsed.size());
    assertEquals("bad_request: a \"b\" \\ \n", parsed.get("Error").textValue());
  }

  @Test
  void stringDataIsSentAsText() throws Exception {
    assertEquals("{\"ChannelMessage\":[\"c\",{\"Text\":\"hi\"}]}",
        CODEC.message(new ChannelMessage("c", "e", 1, 2, "\"hi\"")));
    JsonNode parsed = read(CODEC.message(new ChannelMessage("c", "e", 1, 2, "\"a \\\"q\\\" \\n\"")));
    assertEquals("a \"q\" \n", parsed.get("ChannelMessage").get(1).get("Text").textValue());
  }

  @Test
  void nonStringDataIsSentAsJson() {
    assertEquals("{\"ChannelMessage\":[\"c\",{\"Json\":{\"a\":1.10}}]}",
        CODEC.message(new ChannelMessage("c", "e", 1, 2, "{\"a\":1.10}")));
    assertEquals("{\"ChannelMessage\":[\"c\",{\"Json\":[1,2]}]}", CODEC.message(new ChannelMessage("c", "e", 1, 2, "[1,2]")));
    assertEquals("{\"ChannelMessage\":[\"c\",{\"Json\":42}]}", CODEC.message(new ChannelMessage("c", "e", 1, 2, "42")));
    assertEquals("{\"ChannelMessage\":[\"c\",{\"Json\":null}]}", CODEC.message(new ChannelMessage("c", "e", 1, 2, "null")));
    assertEquals("{\"ChannelMessage\":[\"c\",{\"Json\":false}]}", CODEC.message(new ChannelMessage("c", "e", 1, 2, "false")));
  }

  @Test
  void aSignedMessageReachesLegacyAsItsDataAlone() {
    // the dialect has no place for kid and sig (docs/protocol.md, 6)
    assertEquals("{\"ChannelMessage\":[\"c\",{\"Json\":{\"a\":1}}]}",
        CODEC.message(new ChannelMessage("c", "e", 1, 2, "{\"a\":1}", new Signature("k", "AAAA"))));
  }

  @Test
  void nativeStringDataReachesLegacyAsText() {
    Command.Publish p = (Command.Publish) NativeCodec.INSTANCE.decode(
        "{\"op\":\"publish\",\"channel\":\"c\",\"data\":\"hi\"}");
    assertEquals("{\"ChannelMessage\":[\"c\",{\"Text\":\"hi\"}]}",
        CODEC.message(new ChannelMessage(p.channel(), "e", 1, 2, p.data())));
  }

  @Test
  void legacyTextAndJsonRoundTripThroughAMessage() throws Exception {
    for (String frame : new String[] {
        "{\"NotifyChannel\":[\"c\",{\"Text\":\"hi\"}]}",
        "{\"NotifyChannel\":[\"c\",{\"Json\":{\"k\":[1,\"v\"]}}]}",
        "{\"NotifyChannel\":[\"c\",{\"Json\":7}]}"}) {
      Command.Publish p = (Command.Publish) CODEC.decode(frame);
      String out = CODEC.message(new ChannelMessage(p.channel(), "e", 1, 2, p.data()));
      assertEquals(frame.replace("NotifyChannel", "ChannelMessage"), out);
    }
  }

  @Test
  void messageEscapesTheChannelName() throws Exception {
    JsonNode parsed = read(CODEC.message(new ChannelMessage("a\"b\\c", "e", 1, 2, "1")));
    assertEquals("a\"b\\c", parsed.get("ChannelMessage").get(0).textValue());
  }

  @Test
  void disconnectIsAnError() throws Exception {
    JsonNode parsed = read(CODEC.disconnect(Disconnect.SHUTDOWN));
    assertEquals(1, parsed.size());
    assertEquals("disconnected: server shutting down", parsed.get("Error").textValue());
  }
}
