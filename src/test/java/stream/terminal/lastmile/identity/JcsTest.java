package stream.terminal.lastmile.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 8785's examples: numbers as ECMAScript prints them, strings as JSON.stringify escapes them, sorted keys. */
class JcsTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0|0",
      "-0|0",
      "1e21|1e+21",
      "1e-7|1e-7",
      "123456789012345680000|123456789012345680000",
      "4.5|4.5",
      "0.000001|0.000001",
      "5e-324|5e-324",
      "-5e-324|-5e-324",
      "1.7976931348623157e308|1.7976931348623157e+308",
      "-1.7976931348623157e308|-1.7976931348623157e+308",
      "9007199254740992|9007199254740992",
      "9007199254740993|9007199254740992",
      "295147905179352830000|295147905179352830000",
      "1e23|1e+23",
      "0.1|0.1",
      "-1.5|-1.5",
      "100|100",
      "1E+3|1000",
      "1.10|1.1",
      "333333333.3333333|333333333.3333333",
      "1e-6|0.000001",
      "123e-9|1.23e-7",
      "2e-3|0.002",
      "999999999999999900000|999999999999999900000",
      "1e22|1e+22"})
  void numbersAreEcmaScripts(String json, String canonical) {
    assertEquals(canonical, Jcs.canonicalize(json));
  }

  @Test
  void rfcNumberExampleBitPatterns() {
    // RFC 8785 appendix B: IEEE-754 bit patterns and their canonical form
    assertEquals("4.5", Jcs.number(Double.longBitsToDouble(0x4012000000000000L)));
    assertEquals("0.002", Jcs.number(Double.longBitsToDouble(0x3f60624dd2f1a9fcL)));
    assertEquals("1e+21", Jcs.number(Double.longBitsToDouble(0x444b1ae4d6e2ef50L)));
    assertEquals("1e-7", Jcs.number(Double.longBitsToDouble(0x3e7ad7f29abcaf48L)));
    assertEquals("9007199254740994", Jcs.number(Double.longBitsToDouble(0x4340000000000001L)));
    assertEquals("-1.7976931348623157e+308", Jcs.number(Double.longBitsToDouble(0xffefffffffffffffL)));
  }

  @Test
  void powersOfTwoWhereTheRoundTripIntervalIsLopsided() {
    assertEquals("2.2250738585072014e-308", Jcs.number(Double.MIN_NORMAL));
    assertEquals("1.1805916207174113e+21", Jcs.number(Math.pow(2, 70)));
    assertEquals("5.684341886080802e-14", Jcs.number(Math.pow(2, -44)));
    assertEquals("8.98846567431158e+307", Jcs.number(Math.pow(2, 1023)));
  }

  @Test
  void everyNumberReadsBackAsTheSameDoubleAndNoShorterOneWould() {
    Random random = new Random(8785);
    for (int i = 0; i < 20_000; i++) {
      double d = Double.longBitsToDouble(random.nextLong());
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        continue;
      }
      String text = Jcs.number(d);
      assertEquals(d, Double.parseDouble(text), text);
      String digits = new BigDecimal(text).unscaledValue().abs().toString().replaceAll("0+$", "");
      if (digits.length() > 1) {
        BigDecimal exact = new BigDecimal(d);
        MathContext shorter = new MathContext(digits.length() - 1, RoundingMode.FLOOR);
        MathContext shorterUp = new MathContext(digits.length() - 1, RoundingMode.CEILING);
        assertTrue(exact.round(shorter).doubleValue() != d && exact.round(shorterUp).doubleValue() != d, text);
      }
    }
  }

  @Test
  void stringsAreEscapedAsJsonStringify() {
    assertEquals("\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \\\"\\\\/\"",
        Jcs.canonicalize("\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \\\"\\\\\\/\""));
    assertEquals("\"\u2028\u2029\u20ac\u007f\"", Jcs.canonicalize("\"\\u2028\\u2029\\u20AC\\u007f\""));
    assertEquals("\"\ud83d\ude00\"", Jcs.canonicalize("\"\\ud83d\\ude00\""), "a surrogate pair stays raw");
    assertEquals("\"\ud83d\ude00\"", Jcs.canonicalize("\"\ud83d\ude00\""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"\\ud83d\"", "\"\\ude00x\"", "\"a\\ud83d\\u0041\""})
  void loneSurrogatesAreRefused(String json) {
    assertThrows(IllegalArgumentException.class, () -> Jcs.canonicalize(json));
  }

  @Test
  void keysAreSortedByUtf16CodeUnits() {
    // RFC 8785 section 3.2.3: U+1F600 (a surrogate pair, d83d) sorts before U+FB33 by code units
    String json = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With"
        + " Dagesh\",\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\",\"\\u00f6\":"
        + "\"Latin Small Letter O With Diaeresis\"}";
    assertEquals("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O"
        + " With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew"
        + " Letter Dalet With Dagesh\"}", Jcs.canonicalize(json));
  }

  @Test
  void theRfcExampleObject() {
    String json = "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
        + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n  \"literals\": [null, true,"
        + " false]\n}";
    assertEquals("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
        + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}", Jcs.canonicalize(json));
  }

  @Test
  void nestedValuesAreCanonicalToo() {
    assertEquals("[{\"a\":[],\"b\":{}},[1,\"x\"]]", Jcs.canonicalize(" [ { \"b\" : { } , \"a\" : [ ] } , [ 1.0 , \"x\" ] ] "));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "{\"a\":1,\"a\":2}", "1 2", "[1e400]", "NaN", "{'a':1}", "01", "[1,]"})
  void notIJsonIsRefused(String json) {
    assertThrows(IllegalArgumentException.class, () -> Jcs.canonicalize(json));
  }
}
