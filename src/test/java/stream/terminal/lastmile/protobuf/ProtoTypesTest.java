package stream.terminal.lastmile.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import stream.terminal.lastmile.core.ErrorCode;
import stream.terminal.lastmile.core.GatewayException;
import stream.terminal.lastmile.core.ProtoPayload;
import stream.terminal.lastmile.protobuf.testtypes.Band;
import stream.terminal.lastmile.protobuf.testtypes.Indicator;
import stream.terminal.lastmile.protobuf.testtypes.Trend;

/** The proto3 JSON mapping of payloads whose types come from a descriptor set, and the refusals. */
class ProtoTypesTest {
  private static final ProtoTypes TYPES = TestTypes.load();

  private static ErrorCode refusal(ProtoTypes types, ProtoPayload payload) {
    return assertThrows(GatewayException.class, () -> types.toJson(payload)).code();
  }

  @Test
  void everyFieldKindGetsItsProto3JsonMapping() {
    Indicator indicator = Indicator.newBuilder()
        .setSymbol("EURUSD")
        .setValue(71.25)
        .setVolume(9_007_199_254_740_993L) // past a double's integers: why int64 is a JSON string
        .setTrend(Trend.TREND_UP)
        .addWindow(1.5).addWindow(-2)
        .putCounts("up", 3)
        .setAt(Timestamp.newBuilder().setSeconds(1_764_489_600L).setNanos(123_000_000))
        .setDetail(Any.pack(Band.newBuilder().setLower(70).setUpper(72.5).build()))
        .setRaw(ByteString.copyFrom(new byte[] {(byte) 0xfb, (byte) 0xff}))
        .setBand(Band.newBuilder().setLower(1))
        .setSequence(-1L) // the largest uint64
        .build();

    String json = TYPES.toJson(TestTypes.payload(indicator));

    assertTrue(!json.contains("\n") && !json.contains(": "), "compact, one line: " + json);
    JsonObject expected = new JsonObject()
        .put("symbol", "EURUSD")
        .put("value", 71.25)
        .put("volume", "9007199254740993")
        .put("trend", "TREND_UP")
        .put("window", new io.vertx.core.json.JsonArray().add(1.5).add(-2.0))
        .put("counts", new JsonObject().put("up", 3))
        .put("at", "2025-11-30T08:00:00.123Z")
        .put("detail", new JsonObject().put("@type", "type.googleapis.com/lastmile.test.Band").put("lower", 70.0)
            .put("upper", 72.5))
        .put("raw", "+/8=")
        .put("band", new JsonObject().put("lower", 1.0).put("upper", 0.0))
        .put("sequence", "18446744073709551615")
        .put("closed", false);
    assertEquals(expected, new JsonObject(json));
  }

  @Test
  void fieldsAtTheirDefaultArePrinted() {
    assertEquals(new JsonObject("{\"symbol\":\"\",\"value\":0.0,\"volume\":\"0\",\"trend\":\"TREND_UNSPECIFIED\","
            + "\"window\":[],\"counts\":{},\"raw\":\"\",\"sequence\":\"0\",\"closed\":false}"),
        new JsonObject(TYPES.toJson(TestTypes.payload(Indicator.getDefaultInstance()))));
  }

  @Test
  void anyTypeUrlPrefixNamesTheType() {
    ProtoPayload band = TestTypes.payload(Band.newBuilder().setUpper(2).build());
    assertEquals("{\"lower\":0.0,\"upper\":2.0}",
        TYPES.toJson(new ProtoPayload("example.com/types/lastmile.test.Band", band.value())));
    assertEquals(TYPES.toJson(band), TYPES.toJson(band.typeUrl(), ByteString.copyFrom(band.value())));
  }

  @Test
  void anUnknownTypeIsRefused() {
    byte[] value = TestTypes.payload(Band.getDefaultInstance()).value();
    assertEquals(ErrorCode.UNKNOWN_TYPE, refusal(TYPES, new ProtoPayload("type.googleapis.com/lastmile.test.Nope", value)));
    GatewayException none = assertThrows(GatewayException.class,
        () -> ProtoTypes.NONE.toJson(TestTypes.payload(Band.getDefaultInstance())));
    assertEquals(ErrorCode.UNKNOWN_TYPE, none.code());
    assertTrue(none.getMessage().contains("protobuf.descriptor_sets"), none.getMessage());
  }

  @Test
  void anAnyInsideOfAnUnknownTypeIsRefused() {
    Indicator withUnknown = Indicator.newBuilder()
        .setDetail(Any.newBuilder().setTypeUrl("type.googleapis.com/other.Secret").setValue(ByteString.copyFromUtf8("x")))
        .build();
    assertEquals(ErrorCode.UNKNOWN_TYPE, refusal(TYPES, TestTypes.payload(withUnknown)));
  }

  @Test
  void bytesThatDoNotParseAsTheTypeAreRefused() {
    String type = "type.googleapis.com/lastmile.test.Indicator";
    // a truncated varint, an end-group tag without its group, a length past the end
    for (byte[] bad : new byte[][] {{0x18, (byte) 0xff}, {0x0c}, {0x0a, 0x05, 'a'}}) {
      assertEquals(ErrorCode.BAD_REQUEST, refusal(TYPES, new ProtoPayload(type, bad)));
    }
    // a string field holding bytes that are not UTF-8
    assertEquals(ErrorCode.BAD_REQUEST, refusal(TYPES, new ProtoPayload(type, new byte[] {0x0a, 0x01, (byte) 0xff})));
  }

  @Test
  void aMalformedTypeUrlIsABadRequest() {
    for (String url : new String[] {"", "lastmile.test.Band", "type.googleapis.com/", "a b/lastmile.test.Band",
        "type.googleapis.com/" + "x".repeat(500)}) {
      assertEquals(ErrorCode.BAD_REQUEST, refusal(TYPES, new ProtoPayload(url, new byte[0])), url);
    }
  }
}
